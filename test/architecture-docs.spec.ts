import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';

/** docs/architecture.md's "Where is X" table points at files: a renamed file must not leave it lying. */
describe('docs/architecture.md, Where is X', () => {
  const root = path.join(__dirname, '..');
  const doc = readFileSync(path.join(root, 'docs/architecture.md'), 'utf8');
  const section = doc.slice(doc.indexOf('## Where is X'), doc.indexOf('\n## ', doc.indexOf('## Where is X') + 1));

  it('names only files that exist', () => {
    const rows = section.split('\n').filter((line) => line.startsWith('| ') && !line.startsWith('| what'));
    expect(rows.length).toBeGreaterThan(10);
    const missing: string[] = [];
    for (const row of rows) {
      let dir = '';
      for (const [, ref] of row.matchAll(/`([^`]+)`/g)) {
        if (!/\.(ts|xml)$/.test(ref) || ref.includes('<')) continue;
        // A bare file name continues the folder of the path before it in the same cell.
        const full = ref.includes('/') ? ref : path.join(dir, ref);
        if (ref.includes('/')) dir = path.dirname(ref);
        if (!existsSync(path.join(root, full))) missing.push(full);
      }
    }
    expect(missing).toEqual([]);
  });
});
