import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, loadConfig, requireAuth } from './index';

describe('loadConfig', () => {
  it('defaults to the local stack', () => {
    const config = loadConfig({});
    expect(config.kafka.brokers).toEqual(['127.0.0.1:9092']);
    expect(config.kafka.localBroker).toBe(true);
    expect(config.database.url).toBe('postgres://postgres@127.0.0.1:5432/carts');
    expect(config.kafka.partitions).toBe(6);
    expect([config.http.commandPort, config.http.queryPort, config.http.projectorPort]).toEqual([3000, 3001, 3002]);
  });

  it.each([
    ['KAFKA_BROKERS', 'not a list', /KAFKA_BROKERS: expected a comma-separated list of host:port/],
    ['CART_PARTITIONS', '0', /CART_PARTITIONS: expected an integer from 1 to 1000, got "0"/],
    ['CART_PARTITIONS', 'six', /CART_PARTITIONS: expected an integer/],
    ['DATABASE_URL', 'mysql://x/y', /DATABASE_URL: expected a postgres:\/\/ URL/],
    ['DATABASE_OWNER_URL', 'http://x/y', /DATABASE_OWNER_URL: expected a postgres:\/\/ URL/],
    ['DATABASE_OWNER_URL', 'postgres://owner@db:5432', /DATABASE_OWNER_URL: expected a postgres:\/\/ URL with a database name/],
    ['KAFKA_SSL', 'maybe', /KAFKA_SSL: expected true or false/],
    ['LOG_LEVEL', 'loud', /LOG_LEVEL: expected one of error, warn, log, debug/],
    ['COMMAND_TIMEOUT_MS', '5', /COMMAND_TIMEOUT_MS: expected an integer from 100/],
    ['QUERY_SERVICE_PUBLIC_URL', '/carts', /QUERY_SERVICE_PUBLIC_URL: expected an absolute http/],
    ['QUERY_SERVICE_PUBLIC_URL', 'ftp://example.com', /QUERY_SERVICE_PUBLIC_URL: expected an absolute http/],
    ['QUERY_SERVICE_PUBLIC_URL', 'https://example.com/q?x=1', /QUERY_SERVICE_PUBLIC_URL: expected an absolute http.* without query/],
  ])('rejects %s=%j naming the variable and what it expects', (variable, value, message) => {
    expect(() => loadConfig({ [variable]: value })).toThrow(ConfigError);
    expect(() => loadConfig({ [variable]: value })).toThrow(message);
  });

  it('takes a managed cluster from the environment, SASL secret included, with no default secret', () => {
    const env = { KAFKA_BROKERS: 'b1.example:9093,b2.example:9093', KAFKA_SSL: 'true', KAFKA_SASL_MECHANISM: 'scram-sha-512', KAFKA_SASL_USERNAME: 'carts' };
    expect(() => loadConfig(env)).toThrow(/KAFKA_SASL_PASSWORD: expected a non-empty value/);
    const config = loadConfig({ ...env, KAFKA_SASL_PASSWORD: 's3cret' });
    expect(config.kafka).toMatchObject({ brokers: ['b1.example:9093', 'b2.example:9093'], localBroker: false, ssl: true, sasl: { mechanism: 'scram-sha-512', username: 'carts', password: 's3cret' } });
  });

  it('leaves the replication factor to the cluster unless KAFKA_REPLICATION_FACTOR says, and refuses under-replication unless allowed', () => {
    expect(loadConfig({}).kafka).toMatchObject({ replicationFactor: undefined, allowUnderReplicated: false });
    expect(loadConfig({ KAFKA_REPLICATION_FACTOR: '1', KAFKA_ALLOW_UNDER_REPLICATED: 'true' }).kafka).toMatchObject({ replicationFactor: 1, allowUnderReplicated: true });
    expect(() => loadConfig({ KAFKA_REPLICATION_FACTOR: '0' })).toThrow(/KAFKA_REPLICATION_FACTOR: expected an integer from 1 to 7, got "0"/);
    expect(() => loadConfig({ KAFKA_ALLOW_UNDER_REPLICATED: 'sure' })).toThrow(/KAFKA_ALLOW_UNDER_REPLICATED: expected true or false/);
  });

  it('bounds how long the database may keep a request or a batch waiting, with sane defaults', () => {
    expect(loadConfig({}).database).toMatchObject({ connectTimeoutMs: 2000, queryStatementTimeoutMs: 2500, projectorStatementTimeoutMs: 30_000, idleInTransactionTimeoutMs: 60_000 });
    const env = { DATABASE_CONNECT_TIMEOUT_MS: '500', QUERY_STATEMENT_TIMEOUT_MS: '1000', PROJECTOR_STATEMENT_TIMEOUT_MS: '5000', DATABASE_IDLE_IN_TRANSACTION_TIMEOUT_MS: '10000' };
    expect(loadConfig(env).database).toMatchObject({ connectTimeoutMs: 500, queryStatementTimeoutMs: 1000, projectorStatementTimeoutMs: 5000, idleInTransactionTimeoutMs: 10_000 });
    // 0 would mean "no timeout" to PostgreSQL: not a value to reach by accident.
    expect(() => loadConfig({ QUERY_STATEMENT_TIMEOUT_MS: '0' })).toThrow(/QUERY_STATEMENT_TIMEOUT_MS: expected an integer from 100/);
    expect(() => loadConfig({ DATABASE_CONNECT_TIMEOUT_MS: '0' })).toThrow(/DATABASE_CONNECT_TIMEOUT_MS: expected an integer from 100/);
  });

  it('takes one database role per service, the owner only where migrations run, with no default for it', () => {
    expect(loadConfig({}).database.ownerUrl).toBeUndefined();
    const config = loadConfig({ DATABASE_URL: 'postgres://carts_reader:r@db:5432/carts', DATABASE_OWNER_URL: 'postgres://carts_owner:o@db:5432/carts' });
    expect(config.database).toMatchObject({ url: 'postgres://carts_reader:r@db:5432/carts', ownerUrl: 'postgres://carts_owner:o@db:5432/carts', defaulted: false });
  });

  it('reads the SASL password from a file (secrets mounted as files), never from both sources', () => {
    const dir = mkdtempSync(join(tmpdir(), 'config-spec-'));
    const file = join(dir, 'password');
    writeFileSync(file, 'from-file\n', { mode: 0o600 });
    const env = { KAFKA_SASL_MECHANISM: 'scram-sha-512', KAFKA_SASL_USERNAME: 'projector', KAFKA_SASL_PASSWORD_FILE: file };
    expect(loadConfig(env).kafka.sasl).toEqual({ mechanism: 'scram-sha-512', username: 'projector', password: 'from-file' });
    expect(() => loadConfig({ ...env, KAFKA_SASL_PASSWORD: 'inline' })).toThrow(/KAFKA_SASL_PASSWORD_FILE: expected to be unset when KAFKA_SASL_PASSWORD is set/);
    expect(() => loadConfig({ ...env, KAFKA_SASL_PASSWORD_FILE: join(dir, 'missing') })).toThrow(/KAFKA_SASL_PASSWORD_FILE: expected a readable file, got ".*missing \(ENOENT\)"/);
    expect(() => loadConfig({ KAFKA_SASL_MECHANISM: 'scram-sha-512', KAFKA_SASL_USERNAME: 'x' })).toThrow(/KAFKA_SASL_PASSWORD: expected a non-empty value \(or KAFKA_SASL_PASSWORD_FILE\)/);
  });

  it('takes a private CA and a client certificate for TLS as PEM files, and turns TLS on with them', () => {
    const dir = mkdtempSync(join(tmpdir(), 'config-spec-'));
    const ca = join(dir, 'ca.pem');
    const cert = join(dir, 'client.pem');
    const key = join(dir, 'client.key');
    writeFileSync(ca, '-----BEGIN CERTIFICATE-----\nCA\n-----END CERTIFICATE-----\n');
    writeFileSync(cert, '-----BEGIN CERTIFICATE-----\nCLIENT\n-----END CERTIFICATE-----\n');
    writeFileSync(key, '-----BEGIN PRIVATE KEY-----\nKEY\n-----END PRIVATE KEY-----\n');
    expect(loadConfig({}).kafka).toMatchObject({ ssl: false, tls: undefined });
    const config = loadConfig({ KAFKA_SSL_CA_FILE: ca, KAFKA_SSL_CERT_FILE: cert, KAFKA_SSL_KEY_FILE: key });
    expect(config.kafka.ssl).toBe(true);
    expect(config.kafka.tls).toEqual({ ca: expect.stringContaining('CA'), cert: expect.stringContaining('CLIENT'), key: expect.stringContaining('KEY') });
    expect(loadConfig({ KAFKA_SSL_CA_FILE: ca }).kafka.tls).toEqual({ ca: expect.stringContaining('CA') });
    expect(() => loadConfig({ KAFKA_SSL_CERT_FILE: cert })).toThrow(/KAFKA_SSL_KEY_FILE: expected a private key file with KAFKA_SSL_CERT_FILE/);
    expect(() => loadConfig({ KAFKA_SSL_KEY_FILE: key })).toThrow(/KAFKA_SSL_CERT_FILE: expected a certificate file with KAFKA_SSL_KEY_FILE/);
    expect(() => loadConfig({ KAFKA_SSL_CA_FILE: key })).toThrow(/KAFKA_SSL_CA_FILE: expected a PEM file with a CERTIFICATE/);
    expect(() => loadConfig({ KAFKA_SSL_CA_FILE: ca, KAFKA_SSL: 'false' })).toThrow(/KAFKA_SSL: expected true \(or unset\)/);
  });

  it('creates topics unless told an administrator provisions them', () => {
    expect(loadConfig({}).kafka.manageTopics).toBe(true);
    expect(loadConfig({ KAFKA_MANAGE_TOPICS: 'false' }).kafka.manageTopics).toBe(false);
  });

  it('points Location at the query service: its port by default, or the public URL of a gateway', () => {
    expect(loadConfig({}).http.queryPublicUrl).toBe('http://127.0.0.1:3001');
    expect(loadConfig({ QUERY_SERVICE_PORT: '8081' }).http.queryPublicUrl).toBe('http://127.0.0.1:8081');
    expect(loadConfig({ QUERY_SERVICE_PUBLIC_URL: 'https://api.example.com/shop/' }).http.queryPublicUrl).toBe('https://api.example.com/shop');
  });
});

describe('token settings', () => {
  const base = { AUTH_ISSUER: 'https://id.example', AUTH_AUDIENCE: 'carts', AUTH_JWKS_URL: 'https://id.example/.well-known/jwks.json' };

  it('are optional for the projector and cartctl, required by the HTTP services, with one line naming what to set', () => {
    expect(loadConfig({}).auth).toBeUndefined();
    expect(() => requireAuth(loadConfig({}).auth)).toThrow(/AUTH_ISSUER: expected a value .*AUTH_JWKS_URL or AUTH_PUBLIC_KEY_FILE/);
  });

  it('pin issuer, audience and algorithms, with keys from a JWKS URL or a key file (exactly one)', () => {
    expect(loadConfig(base).auth).toEqual({ issuer: base.AUTH_ISSUER, audience: 'carts', jwksUrl: base.AUTH_JWKS_URL, publicKeyFile: undefined, algorithms: ['RS256', 'ES256'], rolesClaim: 'roles', clockToleranceSeconds: 5 });
    expect(() => loadConfig({ ...base, AUTH_AUDIENCE: '' })).toThrow(/AUTH_AUDIENCE/);
    expect(() => loadConfig({ ...base, AUTH_PUBLIC_KEY_FILE: '/k.pem' })).toThrow(/exactly one of AUTH_JWKS_URL and AUTH_PUBLIC_KEY_FILE/);
    expect(() => loadConfig({ ...base, AUTH_JWKS_URL: 'ftp://x' })).toThrow(/AUTH_JWKS_URL/);
    expect(() => loadConfig({ ...base, AUTH_ALGORITHMS: 'none' })).toThrow(/AUTH_ALGORITHMS/);
    expect(() => loadConfig({ ...base, AUTH_ALGORITHMS: 'HS256' })).toThrow(/AUTH_ALGORITHMS/);
    expect(loadConfig({ ...base, AUTH_ALGORITHMS: 'EdDSA' }).auth?.algorithms).toEqual(['EdDSA']);
  });
});
