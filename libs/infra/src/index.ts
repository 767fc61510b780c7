export { InfraError } from './infra-error';
export type { InfraErrorCode } from './infra-error';
export { ensureKafkaBroker, isKafkaReady, stopKafkaBroker } from './kafka-broker';
export type { KafkaBrokerHandle, KafkaBrokerOptions } from './kafka-broker';
export { DEFAULT_KAFKA_LINE, KAFKA_LINES, kafkaDistribution, resolveKafkaLine, selectedKafka } from './kafka-version';
export type { KafkaDistribution, KafkaLine } from './kafka-version';
export {
  DEFAULT_DATABASE_URL,
  dropDatabase,
  ensureDatabase,
  isPostgresReachable,
  parseDatabaseUrl,
  redactDatabaseUrl,
  resolveDatabase,
  startEmbeddedPostgres,
} from './postgres';
export type { EmbeddedPostgresHandle, EmbeddedPostgresOptions, ResolvedDatabase } from './postgres';
export * from './dev-auth';
export { dropRoles, grantStatements, localRoles, provisionRoles, readModelRoleNames, roleUrl } from './postgres-roles';
export type { LocalRoles, ReadModelRoles, RolePasswords } from './postgres-roles';
export {
  ensureLocalCredentials,
  readLocalCredentials,
  saslEnvOf,
  saslOf,
} from './kafka-security';
export type { LocalKafkaCredentials, LocalKafkaSecurityMode, ScramCredential } from './kafka-security';
export { clusterNodePorts, ensureKafkaCluster } from './kafka-cluster';
export type { KafkaClusterHandle, KafkaClusterNode, KafkaClusterOptions } from './kafka-cluster';
