import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { ADMIN_PRINCIPAL, SERVICE_PRINCIPALS, type ServicePrincipal } from '@carts/event-log';
import { InfraError } from './infra-error';

export { ADMIN_PRINCIPAL, SERVICE_PRINCIPALS };
export type { ServicePrincipal };

/**
 * SASL/SCRAM for the local broker: one principal per part of the system, plus an administrator
 * that only the launcher and provisioning use (a super user). The query service has none: it
 * needs no Kafka rights. Passwords are drawn per data directory, kept in files only their owner
 * can read (0600), and never printed.
 */
export const SCRAM_MECHANISM = 'scram-sha-512';

export type LocalKafkaSecurityMode = 'plaintext' | 'scram';

export interface ScramCredential {
  readonly username: string;
  readonly password: string;
  /** The 0600 file holding the password: give services this (KAFKA_SASL_PASSWORD_FILE), not the secret. */
  readonly passwordFile: string;
}

export interface LocalKafkaCredentials {
  readonly admin: ScramCredential;
  readonly services: Readonly<Record<ServicePrincipal, ScramCredential>>;
}

/** kafkajs' SASL options for a credential. */
export const saslOf = (c: ScramCredential): { mechanism: 'scram-sha-512'; username: string; password: string } => ({
  mechanism: SCRAM_MECHANISM,
  username: c.username,
  password: c.password,
});

/** What a service process needs in its environment to log in as its own principal. */
export const saslEnvOf = (c: ScramCredential): Record<string, string> => ({
  KAFKA_SASL_MECHANISM: SCRAM_MECHANISM,
  KAFKA_SASL_USERNAME: c.username,
  KAFKA_SASL_PASSWORD_FILE: c.passwordFile,
});

export const credentialsDir = (dataDir: string): string => join(dataDir, 'credentials');

/** Reads this data directory's credentials, or undefined when it has none (a plaintext broker's). */
export function readLocalCredentials(dataDir: string): LocalKafkaCredentials | undefined {
  const dir = credentialsDir(dataDir);
  if (!existsSync(join(dir, `${ADMIN_PRINCIPAL}.password`))) return undefined;
  const read = (username: string): ScramCredential => {
    const passwordFile = join(dir, `${username}.password`);
    if (!existsSync(passwordFile)) {
      throw new InfraError('KAFKA_START_FAILED', `${passwordFile} is missing: the broker in ${dataDir} was formatted with it; restore it or start from a fresh data directory.`);
    }
    return { username, passwordFile, password: readFileSync(passwordFile, 'utf8').trim() };
  };
  const services = Object.fromEntries(SERVICE_PRINCIPALS.map((name) => [name, read(name)])) as Record<ServicePrincipal, ScramCredential>;
  return { admin: read(ADMIN_PRINCIPAL), services };
}

/** This data directory's credentials, drawn (32 random bytes each) and written 0600 on first use. */
export function ensureLocalCredentials(dataDir: string): LocalKafkaCredentials {
  const existing = readLocalCredentials(dataDir);
  if (existing) return existing;
  const dir = credentialsDir(dataDir);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  chmodSync(dir, 0o700);
  for (const name of [...SERVICE_PRINCIPALS, ADMIN_PRINCIPAL]) {
    // base64url: no character the storage tool's `[name=…,password=…]` syntax or JAAS would parse.
    writeFileSync(join(dir, `${name}.password`), `${randomBytes(32).toString('base64url')}\n`, { mode: 0o600, flag: 'wx' });
  }
  return readLocalCredentials(dataDir) as LocalKafkaCredentials;
}

/** `StorageTool format` arguments creating every SCRAM user in the bootstrap metadata (KIP-900). */
export function addScramArgs(credentials: LocalKafkaCredentials): string[] {
  const all = [credentials.admin, ...Object.values(credentials.services)];
  return all.flatMap((c) => ['--add-scram', `SCRAM-SHA-512=[name=${c.username},password=${c.password}]`]);
}

/**
 * Broker settings for SASL/SCRAM on the client listener and ACLs on. The controller listener
 * (loopback) authenticates the node's own broker with PLAIN against a static JAAS user: SCRAM
 * cannot serve there (its users live in the metadata the controller is serving), and PLAINTEXT
 * would make every local client that reaches the port User:ANONYMOUS, which would have to be a
 * super user for the broker to register.
 */
export function securedListenerSettings(port: number, controllerPort: number, admin: ScramCredential): Record<string, string> {
  const jaasScram = `org.apache.kafka.common.security.scram.ScramLoginModule required username="${admin.username}" password="${admin.password}";`;
  const jaasPlain =
    `org.apache.kafka.common.security.plain.PlainLoginModule required username="${admin.username}" password="${admin.password}" ` +
    `user_${admin.username}="${admin.password}";`;
  return {
    listeners: `SASL_PLAINTEXT://127.0.0.1:${port},CONTROLLER://127.0.0.1:${controllerPort}`,
    'advertised.listeners': `SASL_PLAINTEXT://127.0.0.1:${port}`,
    'listener.security.protocol.map': 'SASL_PLAINTEXT:SASL_PLAINTEXT,CONTROLLER:SASL_PLAINTEXT',
    'inter.broker.listener.name': 'SASL_PLAINTEXT',
    'sasl.enabled.mechanisms': 'SCRAM-SHA-512',
    'sasl.mechanism.inter.broker.protocol': 'SCRAM-SHA-512',
    'listener.name.sasl_plaintext.scram-sha-512.sasl.jaas.config': jaasScram,
    'listener.name.controller.sasl.enabled.mechanisms': 'PLAIN',
    'sasl.mechanism.controller.protocol': 'PLAIN',
    'listener.name.controller.plain.sasl.jaas.config': jaasPlain,
    'authorizer.class.name': 'org.apache.kafka.metadata.authorizer.StandardAuthorizer',
    'super.users': `User:${admin.username}`,
    'allow.everyone.if.no.acl.found': 'false',
  };
}

/** A Java client configuration (0600) logging Kafka's own tools in as the administrator. */
export function adminClientConfigFile(credentials: LocalKafkaCredentials): string {
  const file = join(dirname(credentials.admin.passwordFile), 'admin.client.properties');
  const { username, password } = credentials.admin;
  const text = [
    'security.protocol=SASL_PLAINTEXT',
    'sasl.mechanism=SCRAM-SHA-512',
    `sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required username="${username}" password="${password}";`,
    '',
  ].join('\n');
  writeFileSync(file, text, { mode: 0o600 });
  chmodSync(file, 0o600);
  return file;
}
