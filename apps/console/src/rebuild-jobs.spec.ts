import { loadConfig } from '@carts/config';
import { ProblemError } from '@carts/http';
import { projectionNamed } from '@carts/read-model';
import { RebuildJobs } from './rebuild-jobs.service';

describe('RebuildJobs', () => {
  it('refuses a rebuild while a generation of that projection is being built (by cartctl or an earlier page), as a 409 with a stable code', () => {
    const jobs = new RebuildJobs(loadConfig({}));
    let refused: unknown;
    try {
      jobs.start(projectionNamed('customer-carts'), 4);
    } catch (error) {
      refused = error;
    }
    expect(refused).toBeInstanceOf(ProblemError);
    expect((refused as ProblemError).body()).toMatchObject({ status: 409, type: 'urn:carts:problem:rule-broken', code: 'REBUILD_IN_PROGRESS' });
    expect((refused as ProblemError).message).toContain('Generation 4 of customer-carts is being built');
    expect(jobs.list()).toEqual([]);
  });
});
