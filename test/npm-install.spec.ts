import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import * as semver from 'semver';

interface LockedPackage { engines?: { node?: string }; hasInstallScript?: boolean; optional?: boolean }
const root = path.join(__dirname, '..');
const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as { engines: { node: string }; allowScripts: Record<string, boolean> };
const lock = JSON.parse(readFileSync(path.join(root, 'package-lock.json'), 'utf8')) as { packages: Record<string, LockedPackage> };
const locked = Object.entries(lock.packages).filter(([p]) => p !== '').map(([p, m]) => [p.replace(/^.*node_modules\//, ''), m] as const);

/** What `npm ci` warns about, checked from the lockfile: the warnings stay away without an install. */
describe('npm ci on the supported Node versions', () => {
  const oldest = semver.minVersion(pkg.engines.node)!.version;

  it.each([oldest, '20.20.0'])('no locked package wants another Node than %s (EBADENGINE)', (node) => {
    expect(semver.satisfies(node, pkg.engines.node)).toBe(true);
    expect(locked.filter(([, m]) => m.engines?.node && !semver.satisfies(node, m.engines.node)).map(([name, m]) => `${name} ${m.engines!.node}`)).toEqual([]);
  });

  it('every package with an install script is approved or denied in allowScripts (npm 11 install-scripts)', () => {
    const unlisted = locked.filter(([name, m]) => m.hasInstallScript && !(name in pkg.allowScripts)).map(([name]) => name);
    expect(unlisted).toEqual([]);
  });
});
