import { loadConfig } from '@carts/config';
import { ProblemError } from '@carts/http';
import { projectionNamed } from '@carts/read-model';
import { RebuildJobs } from './rebuild-jobs.service';

describe('RebuildJobs', () => {
  it('refuses a rebuild while one of that projection runs elsewhere (its runner holds the lock), as a 409 with a stable code', () => {
    const jobs = new RebuildJobs(loadConfig({}));
    let refused: unknown;
    try {
      jobs.start(projectionNamed('customer-carts'), true);
    } catch (error) {
      refused = error;
    }
    expect(refused).toBeInstanceOf(ProblemError);
    expect((refused as ProblemError).body()).toMatchObject({ status: 409, type: 'urn:carts:problem:rule-broken', code: 'REBUILD_IN_PROGRESS' });
    expect((refused as ProblemError).message).toContain('A rebuild of customer-carts is already running');
    expect(jobs.list()).toEqual([]);
  });
});
