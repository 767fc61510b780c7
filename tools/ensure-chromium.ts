/**
 * Part of `npm test` (and `npm run test:kafka-3.9`): the console's browser test drives Debian's
 * `chromium` with playwright-core (Playwright's own browser downloads need the internet). Installs
 * it with apt-get when /usr/bin/chromium is missing and we are root (CI runs as root); anywhere it
 * cannot, says so — the browser test then skips with the same message. Never fails the run itself.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const CHROMIUM = '/usr/bin/chromium';
const say = (line: string): void => void process.stderr.write(`[chromium] ${line}\n`);
const apt = (...args: string[]) => spawnSync('apt-get', args, { stdio: ['ignore', 'ignore', 'inherit'], env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } }).status === 0;

function main(): void {
  if (existsSync(CHROMIUM)) return;
  const skip = (why: string) => say(`${why}: the browser test (apps/console/test/console.e2e-spec.ts) will be SKIPPED. Install it with: apt-get install -y chromium`);
  if (process.platform !== 'linux' || process.getuid?.() !== 0) return skip(`${CHROMIUM} is missing and this is not root on Linux, so it cannot be installed here`);
  if (spawnSync('apt-get', ['--version'], { stdio: 'ignore' }).status !== 0) return skip(`${CHROMIUM} is missing and there is no apt-get`);
  say(`${CHROMIUM} is missing: apt-get install -y chromium (a minute or two, once)`);
  // A fresh machine may have no package lists yet: update once, only if the first try fails.
  if (!apt('install', '-y', '--no-install-recommends', 'chromium') && !(apt('update') && apt('install', '-y', '--no-install-recommends', 'chromium'))) {
    return skip('apt-get could not install chromium');
  }
  say(existsSync(CHROMIUM) ? `installed ${CHROMIUM}` : `apt-get ran but ${CHROMIUM} is still missing`);
}

main();
