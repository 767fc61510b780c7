export { InfraError } from './infra-error';
export type { InfraErrorCode } from './infra-error';
export { ensureKafkaBroker, isKafkaReady, stopKafkaBroker } from './kafka-broker';
export type { KafkaBrokerHandle, KafkaBrokerOptions } from './kafka-broker';
export {
  DEFAULT_DATABASE_URL,
  dropDatabase,
  ensureDatabase,
  isPostgresReachable,
  parseDatabaseUrl,
  resolveDatabase,
  startEmbeddedPostgres,
} from './postgres';
export type { EmbeddedPostgresHandle, EmbeddedPostgresOptions, ResolvedDatabase } from './postgres';
