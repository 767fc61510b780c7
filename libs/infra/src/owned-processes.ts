import { ChildProcess } from 'node:child_process';

/**
 * Servers this process started (broker JVMs, embedded Postgres) get a shutdown signal if the
 * process exits without stopping them, so an aborted test run does not leave them holding ports
 * and memory. An 'exit' hook cannot wait: each server finishes its clean shutdown on its own.
 */
const owned = new Map<number, { signal: NodeJS.Signals; onAbandon?: () => void }>();
let exitHookInstalled = false;

/** `onAbandon` runs (synchronously) in the exit hook first, e.g. to tell others it is stopping. */
export function adoptChild(child: ChildProcess, shutdownSignal: NodeJS.Signals, onAbandon?: () => void): void {
  const pid = child.pid as number;
  owned.set(pid, { signal: shutdownSignal, onAbandon });
  // Once reaped, the pid may be recycled by an unrelated process: never signal it after that.
  child.once('exit', () => releaseProcess(pid));
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.once('exit', () =>
    owned.forEach(({ signal, onAbandon }, ownedPid) => {
      try {
        onAbandon?.();
      } finally {
        signalQuietly(ownedPid, signal);
      }
    }),
  );
}

export function releaseProcess(pid: number): void {
  owned.delete(pid);
}

function signalQuietly(pid: number, signal: NodeJS.Signals): void {
  try {
    // A server paused by a failure test (SIGSTOP) would never act on the shutdown signal.
    process.kill(pid, 'SIGCONT');
    process.kill(pid, signal);
  } catch {
    // Already gone.
  }
}
