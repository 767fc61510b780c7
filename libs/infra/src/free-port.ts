import { mkdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { tryAcquire } from './dir-lock';

function canListen(port: number): Promise<boolean> {
  return new Promise((done) => {
    const server = createServer();
    server.once('error', () => done(false));
    server.listen(port, '127.0.0.1', () => server.close(() => done(true)));
  });
}

const reservationDir = join(tmpdir(), 'carts-port-reservations');

/** Claims the ports for this process's lifetime; a claim of a dead process is taken over. */
function reserve(ports: number[]): boolean {
  mkdirSync(reservationDir, { recursive: true });
  const taken: string[] = [];
  for (const port of ports) {
    const lock = join(reservationDir, `${port}.lock`);
    if (!tryAcquire(lock)) {
      taken.forEach((file) => rmSync(file, { force: true }));
      return false;
    }
    taken.push(lock);
  }
  return true;
}

/**
 * The first base port from `preferred` on (then random ones) where `count` consecutive loopback
 * ports are free and not reserved by another process. Integration tests use it because several
 * people and CI may run the same suite on one machine at once: a JVM binds its port seconds after
 * it is chosen, so "free right now" alone lets two runs pick the same one.
 */
export async function findFreePorts(preferred: number, count = 1): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const base = attempt === 0 ? preferred : 20_000 + Math.floor(Math.random() * 20_000);
    const ports = Array.from({ length: count }, (_, i) => base + i);
    if (!reserve(ports)) continue;
    if ((await Promise.all(ports.map(canListen))).every(Boolean)) return base;
  }
  throw new Error(`no ${count} consecutive free loopback ports found`);
}

/** Like findFreePorts, but only from `start` upward (a range agreed for a kind of test), never elsewhere. */
export async function findFreePortsFrom(start: number, count = 1, span = 1000): Promise<number> {
  for (let base = start; base + count <= start + span; base += count) {
    const ports = Array.from({ length: count }, (_, i) => base + i);
    if (!reserve(ports)) continue;
    if ((await Promise.all(ports.map(canListen))).every(Boolean)) return base;
  }
  throw new Error(`no ${count} consecutive free loopback ports from ${start} to ${start + span}`);
}
