import { ChildProcess } from 'node:child_process';
import { rmSync } from 'node:fs';
import { brokerLogsDir, brokerPidPath, defaultDataDir } from './kafka-config';
import { livePidOf } from './kafka-pid-file';
import { KAFKA_LINES } from './kafka-version';
import { signalAndPause, terminate } from './processes';
import { localDir } from './repo-root';

const STOP_GRACE_MS = 30_000;
const defaultLog = (line: string): void => void process.stderr.write(`[kafka] ${line}\n`);

/**
 * Stops the broker recorded in the data directory's pid file (by default: the port's directory
 * of whichever version line runs there) and waits for its process to exit; false if none ran.
 */
export async function stopKafkaBroker(opts: { port?: number; dataDir?: string; log?: (line: string) => void } = {}): Promise<boolean> {
  const port = opts.port ?? 9092;
  // .local/kafka/<port> is where the launcher kept data before it had one directory per line.
  const dirs = opts.dataDir
    ? [opts.dataDir]
    : [...KAFKA_LINES.flatMap((line) => [defaultDataDir(line, port), defaultDataDir(line, port, true)]), localDir('kafka', String(port))];
  let stopped = false;
  for (const dataDir of dirs) {
    const pid = livePidOf(dataDir);
    if (pid !== undefined) {
      await stopCleanly(pid, dataDir, opts.log ?? defaultLog);
      stopped = true;
    }
    rmSync(brokerPidPath(dataDir), { force: true });
  }
  return stopped;
}

/**
 * SIGTERM, then wait for the JVM to exit: a KRaft broker that is killed mid-shutdown leaves its
 * logs to be recovered on the next start. Only a broker that has not exited after the grace
 * period is killed, and that is said loudly, with where to look.
 */
export async function stopCleanly(pid: number, dataDir: string, log: (line: string) => void, child?: ChildProcess): Promise<void> {
  const started = Date.now();
  // A JVM that hangs in shutdown prints its threads on SIGQUIT: the evidence, before SIGKILL.
  const threadDump = async (): Promise<void> => void (await signalAndPause(pid, 'SIGQUIT', 1000));
  const outcome = await terminate(pid, { graceMs: STOP_GRACE_MS, child, beforeKill: threadDump });
  const took = `${((Date.now() - started) / 1000).toFixed(1)}s`;
  if (outcome === 'exited') return log(`Kafka broker pid ${pid} stopped cleanly in ${took}`);
  log(
    `Kafka broker pid ${pid} did not exit within ${STOP_GRACE_MS / 1000}s of SIGTERM and was killed (${outcome}); ` +
      `its next start recovers the logs. Thread dump in ${brokerLogsDir(dataDir)}/stdout.log, broker log in server.log`,
  );
}
