import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Read models 2 and 3, and what operating the read side needs. Like cart_details, every read-model
 * table is LIST-partitioned by generation so a rebuild fills new partitions beside the live ones.
 *
 * - customer_carts: one row per cart, listed per customer newest first (keyset on updated_at, cart_id;
 *   since CustomerCartsCreatedAt1764100000000 on created_at, cart_id, which never change).
 *   `lines` is the fold's own state (prices per line), not served.
 * - product_activity / product_revenue: aggregates per sku (and per sku and currency). Aggregates
 *   cannot compare a version on their rows, so product_activity_carts holds the last cart version
 *   applied, per generation: that is what makes a redelivered event change nothing.
 * - projection_generations.replay_started_at: set while an in-place (truncate-and-replay) rebuild runs.
 * - dead_letters.resolution: how a parked record left the store (applied, skipped by an operator, ...).
 */
export class ReadSideModels1764060000000 implements MigrationInterface {
  name = 'ReadSideModels1764060000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE projection_generations ADD COLUMN replay_started_at timestamptz`);
    await q.query(`ALTER TABLE dead_letters ADD COLUMN resolution text`);
    await q.query(`CREATE INDEX dead_letters_record_any_generation ON dead_letters (projection, topic, partition, "offset")`);
    await q.query(`CREATE TABLE customer_carts (
      generation int NOT NULL, cart_id uuid NOT NULL, customer_id text NOT NULL, status text NOT NULL, currency text,
      item_count int NOT NULL, total bigint NOT NULL, lines jsonb NOT NULL, version int NOT NULL, updated_at timestamptz NOT NULL,
      PRIMARY KEY (generation, cart_id)) PARTITION BY LIST (generation)`);
    await q.query(`CREATE INDEX customer_carts_newest ON customer_carts (generation, customer_id, updated_at DESC, cart_id DESC)`);
    await q.query(`CREATE TABLE product_activity (
      generation int NOT NULL, sku text NOT NULL, name text NOT NULL, name_at timestamptz, name_event text,
      times_added bigint NOT NULL, quantity_added bigint NOT NULL, times_removed bigint NOT NULL, quantity_removed bigint NOT NULL,
      quantity_purchased bigint NOT NULL, quantity_abandoned bigint NOT NULL, last_activity_at timestamptz NOT NULL,
      PRIMARY KEY (generation, sku)) PARTITION BY LIST (generation)`);
    await q.query(`CREATE TABLE product_revenue (
      generation int NOT NULL, sku text NOT NULL, currency text NOT NULL, revenue bigint NOT NULL, quantity_purchased bigint NOT NULL,
      PRIMARY KEY (generation, sku, currency)) PARTITION BY LIST (generation)`);
    await q.query(`CREATE TABLE product_activity_carts (
      generation int NOT NULL, cart_id uuid NOT NULL, version int NOT NULL,
      PRIMARY KEY (generation, cart_id)) PARTITION BY LIST (generation)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE product_activity_carts`);
    await q.query(`DROP TABLE product_revenue`);
    await q.query(`DROP TABLE product_activity`);
    await q.query(`DROP TABLE customer_carts`);
    await q.query(`DROP INDEX dead_letters_record_any_generation`);
    await q.query(`ALTER TABLE dead_letters DROP COLUMN resolution`);
    await q.query(`ALTER TABLE projection_generations DROP COLUMN replay_started_at`);
  }
}
