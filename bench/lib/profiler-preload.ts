// Preloaded (node --require) into a service when `npm run bench -- --profile <dir>` runs: the first
// SIGWINCH starts the V8 CPU profiler, the second writes <dir>/<label>-<pid>-<n>.cpuprofile. So a
// profile covers exactly the measured load, not the boot, and the service keeps running (plain
// --cpu-prof only writes at a clean exit, which Nest's signal handling never reaches). Not SIGUSR2:
// Nest's shutdown hooks listen to it and would stop the service.
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';
import * as path from 'node:path';

const dir = process.env.BENCH_PROFILE_DIR ?? '/tmp/prof';
const label = process.env.BENCH_PROFILE_LABEL ?? 'service';
let session: Session | null = null;
let count = 0;

process.on('SIGWINCH', () => {
  if (!session) {
    session = new Session();
    session.connect();
    session.post('Profiler.enable', () => session?.post('Profiler.setSamplingInterval', { interval: 500 }, () => session?.post('Profiler.start')));
    return;
  }
  const current = session;
  session = null;
  current.post('Profiler.stop', (error, result) => {
    if (!error) writeFileSync(path.join(dir, `${label}-${process.pid}-${++count}.cpuprofile`), JSON.stringify(result.profile));
    current.disconnect();
  });
});
