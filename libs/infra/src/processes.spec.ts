import { spawn } from 'node:child_process';
import { terminate } from './processes';

/** A child that has installed its SIGTERM handler (or not) before it says "ready". */
function child(ignoreSigterm: boolean) {
  const code = `${ignoreSigterm ? "process.on('SIGTERM', () => {});" : ''} console.log('ready'); setInterval(() => {}, 1000)`;
  const proc = spawn(process.execPath, ['-e', code], { stdio: ['ignore', 'pipe', 'ignore'] });
  return new Promise<typeof proc>((resolve) => proc.stdout.once('data', () => resolve(proc)));
}

describe('terminate', () => {
  it("says 'exited' when the process ends on the polite signal", async () => {
    const proc = await child(false);
    await expect(terminate(proc.pid as number, { graceMs: 5000, child: proc })).resolves.toBe('exited');
    expect(proc.signalCode).toBe('SIGTERM');
  });

  it("waits the grace period, runs beforeKill, then says 'killed' for a process that ignores it", async () => {
    const proc = await child(true);
    const beforeKill = jest.fn(async () => undefined);
    const started = Date.now();
    await expect(terminate(proc.pid as number, { graceMs: 500, child: proc, beforeKill })).resolves.toBe('killed');
    expect(Date.now() - started).toBeGreaterThanOrEqual(500);
    expect(beforeKill).toHaveBeenCalledTimes(1);
    expect(proc.signalCode).toBe('SIGKILL');
  });
});
