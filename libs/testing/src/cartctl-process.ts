import { spawn, type ChildProcess } from 'node:child_process';
import * as path from 'node:path';

const ROOT = path.resolve(__dirname, '../../..');

export interface CartctlResult {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** `npm run cartctl -- <args>` as an operator runs it: the built CLI in its own process. */
export class CartctlProcess {
  stdout = '';
  stderr = '';
  readonly done: Promise<CartctlResult>;

  private constructor(readonly child: ChildProcess) {
    child.stdout?.on('data', (d) => (this.stdout += d));
    child.stderr?.on('data', (d) => (this.stderr += d));
    this.done = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal, stdout: this.stdout, stderr: this.stderr })));
  }

  static start(args: readonly string[], env: Record<string, string> = {}): CartctlProcess {
    const child = spawn(process.execPath, [path.join(ROOT, 'dist/apps/cartctl/src/main.js'), ...args], {
      cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'],
    });
    return new CartctlProcess(child);
  }

  async kill(): Promise<CartctlResult> {
    this.child.kill('SIGKILL');
    return this.done;
  }
}

/** Runs cartctl to completion; fails the test if it outlives `timeoutMs`. */
export async function runCartctl(args: readonly string[], env: Record<string, string> = {}, timeoutMs = 90_000): Promise<CartctlResult> {
  const process = CartctlProcess.start(args, env);
  const timer = setTimeout(() => process.child.kill('SIGKILL'), timeoutMs);
  const result = await process.done;
  clearTimeout(timer);
  if (result.signal === 'SIGKILL') throw new Error(`cartctl ${args.join(' ')} did not finish within ${timeoutMs} ms:\n${result.stdout}\n${result.stderr}`);
  return result;
}
