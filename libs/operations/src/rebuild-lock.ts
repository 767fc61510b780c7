import type { DataSource } from 'typeorm';
import { CommandFailed } from './operator-context';

/** The advisory lock class of rebuilds ('RBLD'); the second key is the projection name's hash. */
const REBUILD_LOCK_CLASS = 0x52424c44;

/** Another rebuild of the projection is running (cartctl, or the operator console). */
export class RebuildInProgress extends CommandFailed {}

export interface RebuildLock {
  release(): Promise<void>;
}

/**
 * One rebuild per projection, whoever runs it: a PostgreSQL session advisory lock held on a
 * connection of its own for the whole rebuild. A runner that dies loses its connection and so the
 * lock, which is how a building generation left by a killed rebuild (replace it) is told from one
 * a running rebuild is still watching (leave it alone).
 */
export async function holdRebuildLock(ds: DataSource, projection: string): Promise<RebuildLock> {
  const runner = ds.createQueryRunner();
  await runner.connect();
  try {
    const [row]: { locked: boolean }[] = await runner.query(`SELECT pg_try_advisory_lock($1, hashtext($2)) AS locked`, [REBUILD_LOCK_CLASS, projection]);
    if (!row.locked) throw new RebuildInProgress(`a rebuild of ${projection} is already running (cartctl rebuild or the operator console): wait for it to finish`);
  } catch (error) {
    await runner.release();
    throw error;
  }
  return {
    async release() {
      await runner.query(`SELECT pg_advisory_unlock($1, hashtext($2))`, [REBUILD_LOCK_CLASS, projection]).catch(() => undefined);
      await runner.release();
    },
  };
}

/** Runs a rebuild holding the projection's rebuild lock (holdRebuildLock), released however it ends. */
export async function whileHoldingRebuildLock<T>(ds: DataSource, projection: string, rebuild: () => Promise<T>): Promise<T> {
  const lock = await holdRebuildLock(ds, projection);
  try {
    return await rebuild();
  } finally {
    await lock.release();
  }
}

/** Is a rebuild of this projection running anywhere (its runner holds the lock)? pg_locks is readable by every role. */
export async function rebuildRunning(ds: DataSource, projection: string): Promise<boolean> {
  const rows: unknown[] = await ds.query(
    `SELECT 1 FROM pg_locks WHERE locktype = 'advisory' AND granted AND objsubid = 2 AND database = (SELECT oid FROM pg_database WHERE datname = current_database())
        AND classid::bigint = $1 AND objid::bigint = (hashtext($2)::bigint & 4294967295)`, [REBUILD_LOCK_CLASS, projection]);
  return rows.length > 0;
}
