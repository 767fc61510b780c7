import { spawn } from 'node:child_process';
import * as path from 'node:path';
import { ROOT } from './paths';

export interface CartctlRun {
  readonly code: number | null;
  readonly output: string;
}

/** `npm run cartctl -- <args>` as an operator runs it (the built CLI, its own process), killed after `timeoutMs`. */
export function runCartctl(args: readonly string[], env: Record<string, string>, timeoutMs: number): Promise<CartctlRun> {
  const child = spawn(process.execPath, [path.join(ROOT, 'dist/apps/cartctl/src/main.js'), ...args], {
    cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (d) => (output = (output + d).slice(-20_000)));
  child.stderr.on('data', (d) => (output = (output + d).slice(-20_000)));
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  return new Promise((resolve) => child.once('exit', (code) => {
    clearTimeout(timer);
    resolve({ code, output });
  }));
}
