/**
 * The integration and end-to-end tiers against another Kafka line than the default, on a broker
 * of that line started for the run on its own ports (never the developer's 9092) and stopped
 * after it — every spec but those in LINE_INDEPENDENT (below), which `npm test` has just run
 * against 4.x and which meet nothing that differs between lines (given jest arguments, it runs
 * what they select, those included):
 *   npm run test:kafka-3.9                      (.ci/run calls it after `npm test`, which runs 4.x)
 *   node dist/tools/test-kafka-line.js 3.9 [jest arguments, e.g. a test path pattern]
 * KAFKA_VERSION is set for the tests too, so tests that start brokers of their own (restarts,
 * outages) and the `npm run kafka` tool tests run that line as well.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureKafkaBroker, KafkaBrokerHandle } from '../libs/infra/src';
import { findFreePorts } from '../libs/infra/src/free-port';
import { repoRoot } from '../libs/infra/src/repo-root';

/**
 * Specs whose subject is PostgreSQL, HTTP, a projection's SQL, a record's content or a page,
 * where Kafka is only a plain producer and consumer of records: they run once, against 4.x in `npm test`. Everything that
 * meets what differs between lines — the launcher (formatting, start-up), transactions and
 * fencing, consumer groups and rebalances, admin and ACL APIs, cluster identity, SASL — runs on
 * both, and so does every spec not named here (a new spec runs twice until someone decides).
 */
export const LINE_INDEPENDENT: readonly string[] = [
  'libs/read-model/src/', // migrations and SQL against PostgreSQL
  'libs/infra/src/postgres.int-spec.ts',
  'tools/local-read-models.int-spec.ts',
  'apps/query-service/test/',
  'apps/cartctl/test/cartctl.e2e-spec.ts', // cartctl's output and exit codes (status-write-side.e2e-spec.ts reads groups: both)
  'apps/projector/test/projector-crash.e2e-spec.ts', // read-side exactly-once: offsets live in PostgreSQL
  'apps/console/test/console.e2e-spec.ts', // the page and its API
  'apps/command-service/test/hostile-records.e2e-spec.ts', // what a record holds, not how Kafka carries it
  'test/database-outage.e2e-spec.ts', // PostgreSQL stopped for 60 s
  'test/tracing.e2e-spec.ts', // trace context in record headers
  'test/rebuild-after-bug-fix.e2e-spec.ts',
  'test/access.e2e-spec.ts',
  'test/least-privilege.e2e-spec.ts',
  'test/openapi-conformance.e2e-spec.ts',
  'test/metrics.e2e-spec.ts',
  'test/quiet-logs.e2e-spec.ts',
  'test/emmett-peer.int-spec.ts', // the bench's peer: PostgreSQL and HTTP only, no Kafka
];

const say = (line: string): void => void process.stderr.write(`[test:kafka] ${line}\n`);

function runJest(env: NodeJS.ProcessEnv, extra: string[]): Promise<number> {
  const jest = require.resolve('jest/bin/jest', { paths: [repoRoot()] });
  // With jest arguments (a path pattern, say) the caller chose what to run: nothing is left out.
  const ignore = extra.length ? [] : ['--testPathIgnorePatterns', ...LINE_INDEPENDENT.map((path) => `<rootDir>/${path.replace(/\./g, '\\.')}`)];
  const args = [jest, '--selectProjects', 'integration', '--runInBand', ...extra, ...ignore];
  const child = spawn(process.execPath, args, { cwd: repoRoot(), env, stdio: 'inherit' });
  const forward = (signal: NodeJS.Signals) => () => child.kill(signal);
  process.once('SIGINT', forward('SIGINT'));
  process.once('SIGTERM', forward('SIGTERM'));
  return new Promise((resolve) => child.once('exit', (code) => resolve(code ?? 1)));
}

async function main([line, ...jestArgs]: string[]): Promise<number> {
  if (!line) {
    say('usage: node dist/tools/test-kafka-line.js <kafka line, e.g. 3.9> [jest arguments]');
    return 2;
  }
  if (process.env.KAFKA_BROKERS) say(`ignoring KAFKA_BROKERS=${process.env.KAFKA_BROKERS}: this run starts its own Kafka ${line}`);
  const port = await findFreePorts(19492, 2);
  const dataDir = mkdtempSync(join(tmpdir(), `carts-kafka-${line}-`));
  let broker: KafkaBrokerHandle | undefined;
  try {
    broker = await ensureKafkaBroker({ port, controllerPort: port + 1, dataDir, kafkaVersion: line, log: say });
    if (!broker.startedHere) throw new Error(`another broker answered on ${broker.brokers[0]}; its version is unknown`);
    say(`integration and end-to-end tiers against Kafka ${broker.version} on ${broker.brokers[0]}`);
    const env = { ...process.env, KAFKA_VERSION: line, KAFKA_BROKERS: broker.brokers.join(',') };
    return await runJest(env, jestArgs);
  } finally {
    await broker?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => (process.exitCode = code),
    (error: unknown) => {
      say(error instanceof Error ? error.message : String(error));
      process.exitCode = 1;
    },
  );
}
