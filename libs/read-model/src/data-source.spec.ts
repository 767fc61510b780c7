import { createDataSource, poolTimeoutOptions } from './data-source';

describe('pool timeouts', () => {
  it('become pg options: connect timeout, statement and idle-in-transaction timeouts (server side), keepalive', () => {
    expect(poolTimeoutOptions({ connectTimeoutMs: 2000, statementTimeoutMs: 2500, idleInTransactionTimeoutMs: 60_000 })).toEqual({
      connectionTimeoutMillis: 2000, keepAlive: true, keepAliveInitialDelayMillis: 10_000, statement_timeout: 2500, idle_in_transaction_session_timeout: 60_000,
    });
    // Migrations and cartctl set a connect timeout only: a long DDL or rebuild statement is legitimate there.
    expect(poolTimeoutOptions({ connectTimeoutMs: 500 })).toEqual({ connectionTimeoutMillis: 500, keepAlive: true, keepAliveInitialDelayMillis: 10_000 });
  });

  it('reach the pool a data source creates', () => {
    const ds = createDataSource('postgres://u@127.0.0.1:1/carts_test', 3, 'x', { connectTimeoutMs: 700, statementTimeoutMs: 900 });
    expect(ds.options).toMatchObject({ extra: { max: 3, application_name: 'x', connectionTimeoutMillis: 700, statement_timeout: 900 } });
  });
});
