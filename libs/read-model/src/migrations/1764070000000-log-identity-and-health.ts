import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Which log each generation was built from, and what the projectors report about it.
 *
 * - projection_generations.log_*: the Kafka cluster id, topic name and partition count a
 *   generation's offsets belong to. Bound when a projector first resumes the generation; checked on
 *   every assignment. NULL on databases older than this migration: the first check binds them,
 *   after verifying the stored offsets still fit the log (not beyond its end, same topic).
 * - projection_health: one row per live generation, written by the projectors (running, diverged,
 *   failed, restarting; the last error and how many restarts), so the query service and cartctl,
 *   which only read PostgreSQL, can say why a projection is not moving.
 */
export class LogIdentityAndHealth1764070000000 implements MigrationInterface {
  name = 'LogIdentityAndHealth1764070000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE projection_generations ADD COLUMN log_cluster_id text, ADD COLUMN log_topic text, ADD COLUMN log_partitions int, ADD COLUMN log_bound_at timestamptz`);
    await q.query(`CREATE TABLE projection_health (
      projection text NOT NULL, generation int NOT NULL,
      state text NOT NULL CHECK (state IN ('running','diverged','failed','restarting')),
      reason text, restarts int NOT NULL DEFAULT 0, last_error text, last_error_at timestamptz,
      instance text NOT NULL, updated_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (projection, generation))`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE projection_health`);
    await q.query(`ALTER TABLE projection_generations DROP COLUMN log_bound_at, DROP COLUMN log_partitions, DROP COLUMN log_topic, DROP COLUMN log_cluster_id`);
  }
}
