import { mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { InfraError } from './infra-error';
import { isProcessAlive, sleep } from './processes';

/**
 * Runs `work` while holding `<dir>/<name>.lock`, so two processes (say, two test runs started at
 * once in one checkout) never format or start the same server directory together. The file holds
 * the owner's pid; a lock whose owner died is taken over.
 */
export async function withDirLock<T>(
  opts: { dir: string; name: string; timeoutMs: number; onWait?: (ownerPid?: number) => void },
  work: () => Promise<T>,
): Promise<T> {
  const { dir, name, timeoutMs } = opts;
  mkdirSync(dir, { recursive: true });
  const lock = join(dir, `${name}.lock`);
  const deadline = Date.now() + timeoutMs;
  for (let attempt = 0; !tryAcquire(lock); attempt++) {
    if (attempt === 0) opts.onWait?.(ownerOf(lock));
    if (Date.now() > deadline) {
      throw new InfraError('LOCK_TIMEOUT', `${lock} is still held by pid ${ownerOf(lock)} after ${timeoutMs} ms.`);
    }
    await sleep(250);
  }
  try {
    return await work();
  } finally {
    if (ownerOf(lock) === process.pid) rmSync(lock, { force: true });
  }
}

/** Creates the lock file for this process; false if a live process holds it (stale ones are cleared). */
export function tryAcquire(lock: string): boolean {
  try {
    writeFileSync(lock, String(process.pid), { flag: 'wx' });
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  const owner = ownerOf(lock);
  if (owner === undefined ? isOld(lock) : !isProcessAlive(owner)) rmSync(lock, { force: true });
  return false;
}

/** An empty lock is normal for the instant between create and write; for seconds it is debris. */
function isOld(lock: string): boolean {
  try {
    return Date.now() - statSync(lock).mtimeMs > 5000;
  } catch {
    return false;
  }
}

function ownerOf(lock: string): number | undefined {
  try {
    const pid = Number(readFileSync(lock, 'utf8').trim());
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}
