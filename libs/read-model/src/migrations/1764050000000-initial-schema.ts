import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Catalog tables (generations, offsets, dead letters) and the first read model. Read-model tables
 * are LIST-partitioned by generation: a rebuild creates the partitions of generation g+1, fills
 * them while g serves, swaps the active generation, then drops g's partitions in one statement.
 */
export class InitialSchema1764050000000 implements MigrationInterface {
  name = 'InitialSchema1764050000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE projection_generations (
      projection text NOT NULL, generation int NOT NULL, state text NOT NULL CHECK (state IN ('building','active','retired')),
      created_at timestamptz NOT NULL DEFAULT now(), activated_at timestamptz,
      PRIMARY KEY (projection, generation))`);
    await q.query(`CREATE UNIQUE INDEX projection_one_active ON projection_generations (projection) WHERE state = 'active'`);
    await q.query(`CREATE TABLE projection_offsets (
      projection text NOT NULL, generation int NOT NULL, topic text NOT NULL, partition int NOT NULL,
      next_offset bigint NOT NULL, events_applied bigint NOT NULL DEFAULT 0, unknown_skipped bigint NOT NULL DEFAULT 0,
      last_event_at timestamptz, updated_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (projection, generation, topic, partition))`);
    await q.query(`CREATE TABLE dead_letters (
      id bigserial PRIMARY KEY, projection text NOT NULL, generation int NOT NULL, topic text NOT NULL, partition int NOT NULL,
      "offset" bigint NOT NULL, cart_id text, value bytea, reason text NOT NULL, kind text NOT NULL CHECK (kind IN ('poison','blocked')),
      status text NOT NULL DEFAULT 'parked' CHECK (status IN ('parked','resolved')),
      parked_at timestamptz NOT NULL DEFAULT now(), resolved_at timestamptz)`);
    await q.query(`CREATE UNIQUE INDEX dead_letters_record ON dead_letters (projection, generation, topic, partition, "offset")`);
    await q.query(`CREATE INDEX dead_letters_parked_cart ON dead_letters (projection, generation, cart_id) WHERE status = 'parked'`);
    await q.query(`CREATE TABLE cart_details (
      generation int NOT NULL, cart_id uuid NOT NULL, customer_id text NOT NULL, status text NOT NULL, currency text,
      lines jsonb NOT NULL, item_count int NOT NULL, total bigint NOT NULL, version int NOT NULL,
      created_at timestamptz NOT NULL, updated_at timestamptz NOT NULL,
      PRIMARY KEY (generation, cart_id)) PARTITION BY LIST (generation)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE cart_details`);
    await q.query(`DROP TABLE dead_letters`);
    await q.query(`DROP TABLE projection_offsets`);
    await q.query(`DROP TABLE projection_generations`);
  }
}
