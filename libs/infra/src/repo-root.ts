import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

const MARKER = join('infra', 'kafka', '4', 'pom.xml');

/**
 * The monorepo root, found by walking up to the folder that holds the default Kafka POM, so the
 * same code works from libs/infra/src (ts-node, Jest) and from dist/libs/infra/src (built).
 */
export function repoRoot(start: string = __dirname): string {
  let dir = resolve(start);
  for (;;) {
    if (existsSync(join(dir, MARKER))) return dir;
    const parent = dirname(dir);
    if (parent === dir) return process.cwd();
    dir = parent;
  }
}

/** Machine-local state (jars, broker data, embedded Postgres); git-ignored. */
export function localDir(...parts: string[]): string {
  return join(repoRoot(), '.local', ...parts);
}
