import { isProcessAlive } from '../libs/infra/src/processes';

/**
 * Keeps the launcher alive (broker children are unref'd) until Ctrl-C / SIGTERM, then stops them;
 * also ends, with exit code 1, when a broker dies on its own.
 */
export function runUntilSignal(pids: readonly (number | undefined)[], stop: () => Promise<void>): Promise<void> {
  return new Promise((done) => {
    const watchdog = setInterval(() => {
      if (pids.some((pid) => pid !== undefined && !isProcessAlive(pid))) {
        console.error('A Kafka broker exited (stopped elsewhere, or crashed: see logs/ in its data directory).');
        process.exitCode = 1;
        finish();
      }
    }, 2000);
    let finishing = false;
    const finish = (): void => {
      if (finishing) return;
      finishing = true;
      clearInterval(watchdog);
      console.log('Stopping Kafka (waiting for it to exit)...');
      void stop().then(done);
    };
    process.once('SIGINT', finish);
    process.once('SIGTERM', finish);
  });
}
