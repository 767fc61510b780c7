import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { CONFIG_VARIABLES } from '@carts/config';

describe('docs/configuration.md', () => {
  const doc = readFileSync(path.join(__dirname, '..', 'docs', 'configuration.md'), 'utf8');
  const documented = [...doc.matchAll(/^\| `([A-Z0-9_]+)` \|/gm)].map((m) => m[1]);

  it('documents every variable the configuration reads, and no other', () => {
    expect([...documented].sort()).toEqual([...CONFIG_VARIABLES].sort());
  });
});
