/**
 * Servers this process started (broker JVMs, embedded Postgres) get a shutdown signal if the
 * process exits without stopping them, so an aborted test run does not leave them holding ports
 * and memory. An 'exit' hook cannot wait: each server finishes its clean shutdown on its own.
 */
const owned = new Map<number, NodeJS.Signals>();
let exitHookInstalled = false;

export function adoptProcess(pid: number, shutdownSignal: NodeJS.Signals): void {
  owned.set(pid, shutdownSignal);
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.once('exit', () => owned.forEach((signal, ownedPid) => signalQuietly(ownedPid, signal)));
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
