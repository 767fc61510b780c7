import { ChildProcess, spawn, SpawnOptions } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { Socket } from 'node:net';

export const sleep = (ms: number): Promise<void> => new Promise((done) => setTimeout(done, ms));

/** A zombie still answers kill(pid, 0), so /proc is asked whether the process really runs. */
export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
  const stat = `/proc/${pid}/stat`;
  if (!existsSync(stat)) return true;
  try {
    // The state letter follows the parenthesised command name, which may itself hold spaces.
    const text = readFileSync(stat, 'utf8');
    return text.slice(text.lastIndexOf(')') + 2, text.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}

/** The process's command line, or '' when it cannot be read (gone, or not Linux). */
export function commandLineOf(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ');
  } catch {
    return '';
  }
}

/**
 * Resolves true once the process is gone. For our own child the 'exit' event is awaited, because
 * only then has Node reaped it and the pid really disappeared from the process table.
 */
export async function waitUntilGone(pid: number, timeoutMs: number, child?: ChildProcess): Promise<boolean> {
  if (child) {
    if (child.exitCode !== null || child.signalCode !== null) return true;
    return new Promise((done) => {
      const timer = setTimeout(() => done(false), timeoutMs);
      child.once('exit', () => {
        clearTimeout(timer);
        done(true);
      });
    });
  }
  const deadline = Date.now() + timeoutMs;
  while (isProcessAlive(pid)) {
    if (Date.now() >= deadline) return false;
    await sleep(100);
  }
  return true;
}

/**
 * Polite signal first, SIGKILL after the grace period; resolves once the process is gone, saying
 * how it went: 'exited' on the polite signal, 'killed' after SIGKILL, 'still-running' if even
 * SIGKILL did not end it within 10 s (a process stuck in the kernel, e.g. on a dead disk).
 */
export async function terminate(
  pid: number,
  opts: { signal?: NodeJS.Signals; graceMs: number; child?: ChildProcess; beforeKill?: () => Promise<void> },
): Promise<'exited' | 'killed' | 'still-running'> {
  const send = (signal: NodeJS.Signals): void => {
    try {
      process.kill(pid, signal);
    } catch {
      // Already gone: nothing to do.
    }
  };
  // A stopped (SIGSTOP) process would never act on SIGTERM; failure tests leave brokers so.
  send('SIGCONT');
  send(opts.signal ?? 'SIGTERM');
  if (await waitUntilGone(pid, opts.graceMs, opts.child)) return 'exited';
  await opts.beforeKill?.();
  send('SIGKILL');
  return (await waitUntilGone(pid, 10_000, opts.child)) ? 'killed' : 'still-running';
}

/** Sends a signal (ignoring a process already gone) and gives it `ms` to act on it. */
export async function signalAndPause(pid: number, signal: NodeJS.Signals, ms: number): Promise<void> {
  try {
    process.kill(pid, signal);
  } catch {
    return;
  }
  await sleep(ms);
}

export function tailFile(path: string, lines: number): string {
  try {
    return readFileSync(path, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return `(no log at ${path})`;
  }
}

export interface CommandResult {
  readonly code: number | null;
  readonly output: string;
}

/** Runs a short command to completion, collecting stdout and stderr together. */
export function runCommand(command: string, args: string[], opts: SpawnOptions = {}): Promise<CommandResult> {
  return new Promise((done) => {
    let output = '';
    const child = spawn(command, args, { ...opts, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('error', (error) => done({ code: null, output: `${output}${error.message}` }));
    child.once('close', (code) => done({ code, output }));
  });
}

/** Cheap pre-check before a protocol-level probe: is anything listening at all? */
export function isPortOpen(port: number, host = '127.0.0.1', timeoutMs = 1000): Promise<boolean> {
  return new Promise((done) => {
    const socket = new Socket();
    const finish = (open: boolean): void => {
      socket.destroy();
      done(open);
    };
    socket.setTimeout(timeoutMs, () => finish(false));
    socket.once('error', () => finish(false));
    socket.connect(port, host, () => finish(true));
  });
}
