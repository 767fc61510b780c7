import { InfraError } from './infra-error';
import { parseDatabaseUrl } from './postgres-admin';

describe('parseDatabaseUrl', () => {
  it('reads the database and re-targets the same server, keeping credentials and options', () => {
    const parsed = parseDatabaseUrl('postgresql://app:s3cret@db.local:6543/carts?sslmode=disable');
    expect(parsed.database).toBe('carts');
    expect(parsed.on('postgres')).toBe('postgresql://app:s3cret@db.local:6543/postgres?sslmode=disable');
  });

  it('round-trips names that need escaping', () => {
    const url = parseDatabaseUrl('postgres://postgres@127.0.0.1:5432/x').on('a b/"c"');
    expect(parseDatabaseUrl(url).database).toBe('a b/"c"');
  });

  it.each(['not a url', 'mysql://root@localhost/carts', 'postgres://postgres@127.0.0.1:5432/'])(
    'rejects %s with a typed error that hides the password',
    (url) => {
      expect(() => parseDatabaseUrl(url)).toThrow(InfraError);
      expect(() => parseDatabaseUrl(url)).toThrow(expect.objectContaining({ code: 'INVALID_DATABASE_URL' }));
    },
  );

  it('never echoes a password in its error', () => {
    expect(() => parseDatabaseUrl('postgres://u:topsecret@h:5432/')).toThrow(/\*\*\*/);
    expect(() => parseDatabaseUrl('postgres://u:topsecret@h:5432/')).not.toThrow(/topsecret/);
  });
});
