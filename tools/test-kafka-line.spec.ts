import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { LINE_INDEPENDENT } from './test-kafka-line';

const root = join(__dirname, '..');

describe('the specs the second Kafka line leaves out', () => {
  it.each(LINE_INDEPENDENT)('%s exists (a renamed spec would otherwise run twice, or a new one be left out by accident)', (path) => {
    expect(existsSync(join(root, path))).toBe(true);
  });

  it('names only integration or end-to-end specs, or folders holding them', () => {
    const specs = (path: string): string[] =>
      statSync(join(root, path)).isDirectory()
        ? readdirSync(join(root, path), { recursive: true, encoding: 'utf8' }).filter((f) => /\.(int|e2e)-spec\.ts$/.test(f))
        : [path].filter((f) => /\.(int|e2e)-spec\.ts$/.test(f));
    for (const path of LINE_INDEPENDENT) expect([path, specs(path).length > 0]).toEqual([path, true]);
  });
});
