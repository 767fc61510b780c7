import { databaseUnavailableReason, isDatabaseUnavailable, isTransientDatabaseError } from './transient-errors';

/** Errors as node-postgres and TypeORM raise them (TypeORM's QueryFailedError keeps pg's under driverError). */
const pgError = (code: string, message: string) => Object.assign(new Error(message), { code });
const queryFailed = (code: string, message: string) => Object.assign(new Error(message), { name: 'QueryFailedError', driverError: pgError(code, message) });

describe('database errors', () => {
  it.each([
    ['a refused connection (server stopped)', pgError('ECONNREFUSED', 'connect ECONNREFUSED 127.0.0.1:5432')],
    ['the pool giving up on a connection', new Error('timeout exceeded when trying to connect')],
    ['a connection dropped mid-query', new Error('Connection terminated unexpectedly')],
    ['the server shutting down (57P01)', queryFailed('57P01', 'terminating connection due to administrator command')],
    ['the server starting up (57P03)', pgError('57P03', 'the database system is starting up')],
    ['a statement timeout (57014)', queryFailed('57014', 'canceling statement due to statement timeout')],
    ['a connection exception (08006)', pgError('08006', 'connection failure')],
    ['too many connections (53300)', pgError('53300', 'sorry, too many clients already')],
  ])('%s: unavailable, with a reason for readiness and logs', (_what, error) => {
    expect(isDatabaseUnavailable(error)).toBe(true);
    expect(isTransientDatabaseError(error)).toBe(true);
    expect(databaseUnavailableReason(error)).toMatch(/^database unavailable: /);
  });

  it.each([
    ['a unique violation', queryFailed('23505', 'duplicate key value violates unique constraint')],
    ['a syntax error', pgError('42601', 'syntax error at or near "SELEC"')],
    ['a bug in a fold', new TypeError("Cannot read properties of undefined (reading 'lines')")],
    ['nothing at all', undefined],
  ])('%s: not unavailable, not transient', (_what, error) => {
    expect(databaseUnavailableReason(error)).toBeNull();
    expect(isTransientDatabaseError(error)).toBe(false);
  });

  it('a lost race is transient (retry the batch) but the database is there', () => {
    for (const error of [queryFailed('40001', 'could not serialize access'), queryFailed('40P01', 'deadlock detected'), pgError('55P03', 'lock not available')]) {
      expect(isTransientDatabaseError(error)).toBe(true);
      expect(isDatabaseUnavailable(error)).toBe(false);
    }
  });

  it('a transaction whose connection was lost mid-batch is transient (TypeORM: query runner already released)', () => {
    const released = Object.assign(new Error('Database connection provided by a query runner was already released'), { name: 'QueryRunnerProviderAlreadyReleasedError' });
    expect(isTransientDatabaseError(released)).toBe(true);
  });

  it('names the SQLSTATE when the message does not', () => {
    expect(databaseUnavailableReason(pgError('57P03', 'the database system is shutting down'))).toBe('database unavailable: the database system is shutting down (57P03)');
  });
});
