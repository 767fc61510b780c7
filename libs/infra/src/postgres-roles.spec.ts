import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { grantStatements, readModelRoleNames, roleUrl } from './postgres-roles';
import { repoRoot } from './repo-root';

describe('PostgreSQL roles', () => {
  it('are named after their database, within the 63-byte identifier limit, distinct for long names', () => {
    expect(readModelRoleNames('carts')).toEqual({ owner: 'carts_owner', writer: 'carts_writer', reader: 'carts_reader' });
    const long = `carts_test_${'x'.repeat(60)}`;
    const [a, b] = [readModelRoleNames(`${long}_a`), readModelRoleNames(`${long}_b`)];
    for (const name of [...Object.values(a), ...Object.values(b)]) expect(name.length).toBeLessThanOrEqual(63);
    expect(a.writer).not.toBe(b.writer);
  });

  it('puts a role and its password into a URL, encoded', () => {
    expect(roleUrl('postgres://postgres@db:5432/carts', 'carts_reader', 'p@ss/w:rd')).toBe('postgres://carts_reader:p%40ss%2Fw%3Ard@db:5432/carts');
    expect(roleUrl('postgres://postgres:secret@db:5432/carts', 'carts_writer')).toBe('postgres://carts_writer@db:5432/carts');
  });

  it('gives the writer rows only and the reader SELECT only, now and by default privileges later', () => {
    const sql = grantStatements('carts', readModelRoleNames('carts')).join('\n');
    expect(sql).toMatch(/GRANT USAGE, CREATE ON SCHEMA public TO "carts_owner"/);
    expect(sql).not.toMatch(/CREATE ON SCHEMA public TO "carts_(writer|reader)"/);
    expect(sql).toMatch(/ALTER DEFAULT PRIVILEGES FOR ROLE "carts_owner" IN SCHEMA public GRANT SELECT ON TABLES TO "carts_reader"/);
    const toReader = sql.split('\n').filter((l) => l.includes('"carts_reader"'));
    expect(toReader).toHaveLength(4); // CONNECT, USAGE on the schema, SELECT now, SELECT by default
    for (const line of toReader) expect(line).toMatch(/GRANT (CONNECT|USAGE|SELECT) ON /);
  });

  it('infra/postgres/roles.sql (the operators\' script, and docker compose\'s) applies exactly these grants', () => {
    const script = readFileSync(path.join(repoRoot(), 'infra/postgres/roles.sql'), 'utf8');
    const statements = script.split('\n').filter((l) => /^(GRANT|REVOKE|ALTER DEFAULT)/.test(l)).map((l) => l.replace(/;$/, ''));
    expect(statements).toEqual(grantStatements('carts', readModelRoleNames('carts')));
  });
});
