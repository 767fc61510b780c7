import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { loadConfig, type KafkaConfig } from '@carts/config';
import { createKafka, grantServiceAcls, provisionTopics, type Kafka, type ServicePrincipal } from '@carts/event-log';
import { ensureKafkaBroker, saslEnvOf, type KafkaBrokerHandle, type LocalKafkaCredentials } from '@carts/infra';
import { findFreePortsFrom } from '../../infra/src/free-port';

/**
 * A broker of the suite's own with SASL/SCRAM and ACLs on (free ports from 29000, its own temp
 * data directory), the topics of a fresh prefix provisioned and the services' ACLs granted by
 * the admin, as `npm start -- --secure` does. Stop it in afterAll.
 */
export interface SecuredKafka {
  readonly brokers: string;
  readonly prefix: string;
  readonly credentials: LocalKafkaCredentials;
  /** Environment for a service process logging in as `principal` (none: no credentials at all). */
  envFor(principal: ServicePrincipal | 'none'): Record<string, string>;
  /** A kafkajs client of `principal`, configured exactly as that service's would be. */
  kafkaAs(principal: ServicePrincipal | 'none', suffix: string): Kafka;
  configAs(principal: ServicePrincipal | 'none'): KafkaConfig;
  stop(): Promise<void>;
}

export async function startSecuredKafka(name: string): Promise<SecuredKafka> {
  const port = await findFreePortsFrom(29000, 2);
  const dataDir = mkdtempSync(join(tmpdir(), `carts-kafka-scram-${name}-`));
  let broker: KafkaBrokerHandle | undefined;
  try {
    broker = await ensureKafkaBroker({ port, controllerPort: port + 1, dataDir, security: 'scram', log: (l) => process.stdout.write(`[secured-kafka] ${l}\n`) });
    if (!broker.startedHere || !broker.credentials) throw new Error(`another broker answered on ${broker.brokers[0]}`);
  } catch (error) {
    await broker?.stop();
    rmSync(dataDir, { recursive: true, force: true });
    throw error;
  }
  const handle = broker;
  const credentials = broker.credentials;
  const brokers = broker.brokers.join(',');
  const prefix = `${name.replace(/[^a-z0-9]/gi, '_').toLowerCase()}_${randomBytes(3).toString('hex')}.`;
  const base = { KAFKA_BROKERS: brokers, KAFKA_TOPIC_PREFIX: prefix };
  const envFor = (principal: ServicePrincipal | 'none'): Record<string, string> =>
    principal === 'none' ? base : { ...base, KAFKA_MANAGE_TOPICS: 'false', ...saslEnvOf(credentials.services[principal]) };
  const configAs = (principal: ServicePrincipal | 'none'): KafkaConfig => {
    // The run's environment must not leak a SASL setting into a principal's configuration.
    const { KAFKA_SASL_MECHANISM: _m, KAFKA_SASL_USERNAME: _u, KAFKA_SASL_PASSWORD: _p, KAFKA_SASL_PASSWORD_FILE: _f, ...rest } = process.env;
    return loadConfig({ ...rest, ...envFor(principal) }).kafka;
  };
  const adminConfig: KafkaConfig = { ...configAs('none'), sasl: { mechanism: 'scram-sha-512', username: credentials.admin.username, password: credentials.admin.password } };
  await provisionTopics(adminConfig);
  await grantServiceAcls(createKafka(adminConfig, 'test-acl-admin'), prefix);
  return {
    brokers,
    prefix,
    credentials,
    envFor,
    configAs,
    kafkaAs: (principal, suffix) => createKafka(configAs(principal), suffix),
    async stop() {
      await handle.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
