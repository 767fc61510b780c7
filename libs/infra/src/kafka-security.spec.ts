import { mkdtempSync, readdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { serviceAcls } from '@carts/event-log';
import { serverProperties } from './kafka-config';
import { addScramArgs, credentialsDir, ensureLocalCredentials, readLocalCredentials, saslEnvOf } from './kafka-security';

const parse = (text: string): Map<string, string> =>
  new Map(text.split('\n').filter((l) => l.includes('=') && !l.startsWith('#')).map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]));

describe('local Kafka credentials', () => {
  it('draws one password per principal per data directory, in 0600 files under a 0700 directory, and keeps them', () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'kafka-security-spec-'));
    expect(readLocalCredentials(dataDir)).toBeUndefined();
    const first = ensureLocalCredentials(dataDir);
    expect(readdirSync(credentialsDir(dataDir)).sort()).toEqual(['admin.password', 'cartctl.password', 'command-service.password', 'projector.password']);
    expect(statSync(credentialsDir(dataDir)).mode & 0o777).toBe(0o700);
    for (const file of readdirSync(credentialsDir(dataDir))) expect(statSync(join(credentialsDir(dataDir), file)).mode & 0o777).toBe(0o600);
    const passwords = [first.admin, ...Object.values(first.services)].map((c) => c.password);
    expect(new Set(passwords).size).toBe(4);
    passwords.forEach((p) => expect(p).toMatch(/^[A-Za-z0-9_-]{43}$/));
    expect(ensureLocalCredentials(dataDir)).toEqual(first);
    expect(mkdtempSync(join(tmpdir(), 'kafka-security-spec-'))).not.toBe(dataDir);
    expect(ensureLocalCredentials(mkdtempSync(join(tmpdir(), 'kafka-security-spec-'))).admin.password).not.toBe(first.admin.password);
  });

  it('gives a service the password file, never the password, in its environment', () => {
    const credentials = ensureLocalCredentials(mkdtempSync(join(tmpdir(), 'kafka-security-spec-')));
    const env = saslEnvOf(credentials.services.projector);
    expect(env).toEqual({ KAFKA_SASL_MECHANISM: 'scram-sha-512', KAFKA_SASL_USERNAME: 'projector', KAFKA_SASL_PASSWORD_FILE: credentials.services.projector.passwordFile });
    expect(Object.values(env).join(' ')).not.toContain(credentials.services.projector.password);
  });

  it('creates every SCRAM user at format time (KIP-900)', () => {
    const credentials = ensureLocalCredentials(mkdtempSync(join(tmpdir(), 'kafka-security-spec-')));
    const args = addScramArgs(credentials);
    expect(args.filter((a) => a === '--add-scram')).toHaveLength(4);
    expect(args).toContain(`SCRAM-SHA-512=[name=projector,password=${credentials.services.projector.password}]`);
  });
});

describe('a secured broker', () => {
  const credentials = ensureLocalCredentials(mkdtempSync(join(tmpdir(), 'kafka-security-spec-')));
  const props = parse(serverProperties({ port: 29000, controllerPort: 29001, dataDir: '/tmp/k', credentials }));

  it('takes SASL/SCRAM-SHA-512 only on the client listener and authorizes with ACLs, denying what is not granted', () => {
    expect(props.get('listeners')).toBe('SASL_PLAINTEXT://127.0.0.1:29000,CONTROLLER://127.0.0.1:29001');
    expect(props.get('advertised.listeners')).toBe('SASL_PLAINTEXT://127.0.0.1:29000');
    expect(props.get('sasl.enabled.mechanisms')).toBe('SCRAM-SHA-512');
    expect(props.get('authorizer.class.name')).toBe('org.apache.kafka.metadata.authorizer.StandardAuthorizer');
    expect(props.get('super.users')).toBe('User:admin');
    expect(props.get('allow.everyone.if.no.acl.found')).toBe('false');
    expect(props.get('controller.listener.names')).toBe('CONTROLLER');
  });

  it('stays plaintext without credentials', () => {
    const plain = parse(serverProperties({ port: 29000, controllerPort: 29001, dataDir: '/tmp/k' }));
    expect(plain.get('listeners')).toBe('PLAINTEXT://127.0.0.1:29000,CONTROLLER://127.0.0.1:29001');
    expect(plain.has('authorizer.class.name')).toBe(false);
  });
});

describe('serviceAcls', () => {
  const acls = serviceAcls('shop.');
  const rights = (principal: string, operation: string) => acls.filter((a) => a.principal === principal && a.operations.includes(operation as never)).map((a) => `${a.resource}:${a.pattern}:${a.name}`);

  it('lets only the command service write, and only it use the processors\' transactional ids', () => {
    expect(rights('command-service', 'WRITE').sort()).toEqual([
      'topic:literal:shop.cart-command-replies', 'topic:literal:shop.cart-commands', 'topic:literal:shop.cart-events',
      'topic:literal:shop.cart-idempotency', 'topic:literal:shop.cart-writer-progress', 'transactional-id:prefixed:shop.cart-command-processor-',
    ].sort());
    expect(rights('projector', 'WRITE')).toEqual([]);
    expect(rights('cartctl', 'WRITE')).toEqual([]);
  });

  it('lets the projector and cartctl read cart-events', () => {
    expect(rights('projector', 'READ')).toContain('topic:literal:shop.cart-events');
    expect(rights('cartctl', 'READ')).toContain('topic:literal:shop.cart-events');
  });

  it('names nothing outside the prefix (so prefixed grants never reach another deployment)', () => {
    acls.forEach((a) => expect(a.name.startsWith('shop.')).toBe(true));
    acls.filter((a) => a.pattern === 'prefixed').forEach((a) => expect(a.name.length).toBeGreaterThan('shop.'.length));
  });
});
