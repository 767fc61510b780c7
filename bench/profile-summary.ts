// `node dist/bench/profile-summary.js <file.cpuprofile> [top]`: the functions with the most self
// time in a V8 CPU profile, and the same grouped by package / source folder.
import { readFileSync } from 'node:fs';

interface ProfileNode { id: number; callFrame: { functionName: string; url: string; lineNumber: number }; hitCount?: number }
interface Profile { nodes: ProfileNode[]; startTime: number; endTime: number; samples: number[]; timeDeltas: number[] }

function selfTimes(profile: Profile): Map<number, number> {
  const byNode = new Map<number, number>();
  profile.samples.forEach((id, i) => byNode.set(id, (byNode.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));
  return byNode;
}

function where(url: string): string {
  if (!url) return '(native/V8)';
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (pkg) return pkg[1];
  const own = /\/dist\/((?:apps|libs)\/[^/]+)/.exec(url);
  if (own) return own[1];
  return url.startsWith('node:') ? 'node core' : url.replace(/^.*\//, '');
}

function top(entries: Map<string, number>, total: number, count: number): string[] {
  return [...entries].sort((a, b) => b[1] - a[1]).slice(0, count)
    .map(([name, us]) => `${((us / total) * 100).toFixed(1).padStart(5)}%  ${(us / 1000).toFixed(0).padStart(7)} ms  ${name}`);
}

function main(file: string, count: number): void {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;
  const times = selfTimes(profile);
  const total = [...times.values()].reduce((a, b) => a + b, 0);
  const fns = new Map<string, number>();
  const groups = new Map<string, number>();
  for (const node of profile.nodes) {
    const us = times.get(node.id) ?? 0;
    const { functionName, url, lineNumber } = node.callFrame;
    const name = `${functionName || '(anonymous)'} ${url ? `${url.replace(/^.*\/(node_modules|dist)\//, '')}:${lineNumber + 1}` : ''}`;
    fns.set(name, (fns.get(name) ?? 0) + us);
    groups.set(where(url), (groups.get(where(url)) ?? 0) + us);
  }
  console.log(`${file}: ${(total / 1000).toFixed(0)} ms sampled over ${((profile.endTime - profile.startTime) / 1000).toFixed(0)} ms`);
  console.log('\nby package / folder (self time):');
  top(groups, total, 15).forEach((l) => console.log(l));
  console.log(`\ntop ${count} functions (self time):`);
  top(fns, total, count).forEach((l) => console.log(l));
}

main(process.argv[2], Number(process.argv[3] ?? 30));
