/**
 * The secured local broker (SASL/SCRAM + ACLs) as `npm start -- --secure` and
 * `npm run kafka -- start --secure` use it: as the administrator (a super user that no service
 * holds), provision the topics of KAFKA_TOPIC_PREFIX and grant each service its ACLs; then hand
 * each service its own principal. Passwords stay in their 0600 files: services get the file's path.
 */
import type { KafkaConfig } from '../libs/config/src';
import { createKafka, grantServiceAcls, provisionTopics, type TopicReport } from '../libs/event-log/src';
import type { LocalKafkaCredentials } from '../libs/infra/src';
import { saslEnvOf, saslOf } from '../libs/infra/src/kafka-security';

/** Secured brokers listen beside the plaintext default (9092), so both can run at once. */
export const SECURED_KAFKA_PORT = 9096;

export type LocalSecurity = 'plaintext' | 'scram';

/** `--secure` on the command line or KAFKA_LOCAL_SECURITY=scram. */
export function localSecurity(argv: readonly string[], env: NodeJS.ProcessEnv): LocalSecurity {
  const raw = env.KAFKA_LOCAL_SECURITY?.trim() || 'plaintext';
  if (raw !== 'plaintext' && raw !== 'scram') throw new Error(`KAFKA_LOCAL_SECURITY: expected plaintext or scram, got ${JSON.stringify(raw)}`);
  return argv.includes('--secure') ? 'scram' : raw;
}

export const adminKafkaConfig = (config: KafkaConfig, credentials: LocalKafkaCredentials): KafkaConfig => ({ ...config, sasl: saslOf(credentials.admin) });

export async function provisionAndGrant(config: KafkaConfig, credentials: LocalKafkaCredentials): Promise<{ report: TopicReport; acls: number }> {
  const admin = adminKafkaConfig({ ...config, manageTopics: true }, credentials);
  const report = await provisionTopics(admin);
  const acls = await grantServiceAcls(createKafka(admin, 'launcher'), config.topicPrefix);
  return { report, acls };
}

const SASL_VARIABLES = ['KAFKA_SASL_MECHANISM', 'KAFKA_SASL_USERNAME', 'KAFKA_SASL_PASSWORD', 'KAFKA_SASL_PASSWORD_FILE'];

/** A service's environment: its own principal (or, for the query service, none at all). */
export function serviceEnv(base: Record<string, string | undefined>, credentials: LocalKafkaCredentials, principal: 'command-service' | 'projector' | 'cartctl' | 'none'): Record<string, string | undefined> {
  const env = Object.fromEntries(Object.entries(base).filter(([name]) => !SASL_VARIABLES.includes(name)));
  if (principal === 'none') return env;
  return { ...env, ...saslEnvOf(credentials.services[principal]), KAFKA_MANAGE_TOPICS: 'false' };
}

/** How an operator runs cartctl against the secured broker (the password file, never the password). */
export function cartctlHint(brokers: string, credentials: LocalKafkaCredentials): string {
  const env = { KAFKA_BROKERS: brokers, ...saslEnvOf(credentials.services.cartctl) };
  return `${Object.entries(env).map(([k, v]) => `${k}=${v}`).join(' ')} npm run cartctl -- status`;
}
