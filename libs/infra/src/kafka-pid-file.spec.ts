import { ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { brokerPidPath, serverPropertiesPath } from './kafka-config';
import { livePidOf, markStopping, recordPid, stoppingPidOf } from './kafka-pid-file';

// A stand-in for a broker JVM: a live process whose command line names the directory's config.
function fakeBroker(dataDir: string): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)', serverPropertiesPath(dataDir)], { stdio: 'ignore' });
  return new Promise((resolve) => child.once('spawn', () => resolve(child)));
}

describe('a broker abandoned by an exiting process (exit hook: SIGTERM, no wait)', () => {
  let dataDir: string;
  let broker: ChildProcess;
  beforeEach(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'kafka-pid-file-'));
    broker = await fakeBroker(dataDir);
    recordPid(dataDir, broker.pid as number);
  });
  afterEach(() => {
    broker.kill('SIGKILL');
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('is marked stopping, so the next start waits for it instead of reusing it', () => {
    expect(livePidOf(dataDir)).toBe(broker.pid);
    markStopping(dataDir, broker.pid as number);
    expect(existsSync(brokerPidPath(dataDir))).toBe(false);
    expect(livePidOf(dataDir)).toBeUndefined();
    expect(stoppingPidOf(dataDir)).toBe(broker.pid);
  });

  it('is forgotten once it has exited', async () => {
    markStopping(dataDir, broker.pid as number);
    await new Promise((done) => {
      broker.once('exit', done);
      broker.kill('SIGTERM');
    });
    expect(stoppingPidOf(dataDir)).toBeUndefined();
    expect(existsSync(join(dataDir, 'broker.stopping.pid'))).toBe(false);
  });

  it('leaves a pid file naming another process alone (a restart replaced it)', () => {
    markStopping(dataDir, (broker.pid as number) + 100_000);
    expect(livePidOf(dataDir)).toBe(broker.pid);
    expect(stoppingPidOf(dataDir)).toBeUndefined();
  });
});
