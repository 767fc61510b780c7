import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { decodeJwt } from 'jose';
import { ensureDevSigningKey } from '@carts/infra';
import { UsageError } from '../context';
import { consoleLink } from './console.command';

describe('cartctl console', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'console-link-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('prints the console URL with an operator token in the fragment (never in the query: a server would log it)', async () => {
    const { privateKeyFile } = ensureDevSigningKey(dir);
    const lines: string[] = [];
    const output = { line: (t = '') => void lines.push(t), note: () => undefined, progress: () => { throw new Error('no progress here'); } };
    expect(await consoleLink(['--ttl', '60'], output, { AUTH_DEV_SIGNING_KEY_FILE: privateKeyFile, CONSOLE_PORT: '3003', USER: 'alice' })).toBe(0);
    expect(lines).toHaveLength(1);
    const match = /^http:\/\/127\.0\.0\.1:3003\/console\/#token=([\w-]+\.[\w-]+\.[\w-]+)$/.exec(lines[0]);
    expect(match).not.toBeNull();
    const claims = decodeJwt(match![1]);
    expect([claims.sub, claims.roles, claims.exp! - claims.iat!]).toEqual(['alice', ['operator'], 60]);
  });

  it('takes no positional argument', async () => {
    const output = { line: () => undefined, note: () => undefined, progress: () => { throw new Error(); } };
    await expect(consoleLink(['now'], output, {})).rejects.toThrow(UsageError);
  });
});
