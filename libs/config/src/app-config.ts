import { loadAuth, loadRateLimit, requireAuth, AUTH_VARIABLES, type AuthConfig, type RateLimitConfig } from './auth-config';
import { Env, bool, hostPortList, httpBaseUrl, int, oneOf, optionalStr, postgresUrl, str, topicPrefix, ConfigError } from './env-parsers';
import { loadKafkaTls, secretOrFile, type KafkaTls } from './kafka-secrets';
import { loadTracing, TRACING_VARIABLES, type TracingConfig } from './tracing-config';

/**
 * Every setting of every service, in namespaces. Read once at boot by `loadConfig`, which throws
 * a ConfigError naming the first bad variable. The same function documents the variables: see
 * docs/configuration.md, which a test keeps in step with CONFIG_VARIABLES.
 */
export interface KafkaConfig {
  readonly brokers: string[];
  /** True when KAFKA_BROKERS was not set: the project may start its own local broker. */
  readonly localBroker: boolean;
  readonly clientId: string;
  readonly ssl: boolean;
  /** PEM material for TLS with a private CA and/or client certificates (implies `ssl`). */
  readonly tls?: KafkaTls;
  readonly sasl?: { mechanism: 'plain' | 'scram-sha-256' | 'scram-sha-512'; username: string; password: string };
  readonly topicPrefix: string;
  readonly partitions: number;
  readonly replyPartitions: number;
  /**
   * Replication factor of the topics it creates; undefined (KAFKA_REPLICATION_FACTOR unset): 3 on a
   * cluster of 3 or more brokers, else the broker count (see event-log's replication-policy.ts).
   */
  readonly replicationFactor?: number;
  /**
   * Start against a deployed cluster whose topics have fewer than 3 replicas or
   * min.insync.replicas below 2 (KAFKA_ALLOW_UNDER_REPLICATED); refused otherwise.
   */
  readonly allowUnderReplicated: boolean;
  readonly idempotencyRetentionMs: number;
  /**
   * Create missing topics at start-up. False where an administrator provisions them and the
   * service's principal has no CREATE right (ACLs): the service then checks what it can see.
   */
  readonly manageTopics: boolean;
}

export interface DatabaseConfig {
  /** This process's own role: the projector's writer, the query service's reader (docs/security.md). */
  readonly url: string;
  /**
   * The owner role (DATABASE_OWNER_URL): migrations at start-up, and cartctl's online drop of a
   * retired generation. Unset: DATABASE_URL does both, which works only when it is the owner.
   */
  readonly ownerUrl?: string;
  /** True when DATABASE_URL was not set: the launcher may fall back to an embedded server. */
  readonly defaulted: boolean;
  readonly poolSize: number;
  /** How long a pool waits for a new connection before it gives up (a stopped or unreachable server). */
  readonly connectTimeoutMs: number;
  /** Server-side `statement_timeout` of the query service's pool: a read never holds a request longer. */
  readonly queryStatementTimeoutMs: number;
  /** Server-side `statement_timeout` of the projector's pool: batches of thousands of rows, lock waits included. */
  readonly projectorStatementTimeoutMs: number;
  /** Server-side `idle_in_transaction_session_timeout`: a transaction left open by a stuck client releases its locks. */
  readonly idleInTransactionTimeoutMs: number;
}

export interface HttpConfig {
  readonly host: string;
  readonly commandPort: number;
  readonly queryPort: number;
  readonly projectorPort: number;
  /** The operator console (apps/console). */
  readonly consolePort: number;
  /** One log line per HTTP request (HTTP_ACCESS_LOG); the bench turns it off. */
  readonly accessLog: boolean;
  /**
   * Where clients read a cart: the query service's URL as clients reach it (a gateway's, in a
   * deployment behind one). `Location` on `POST /carts` is this URL + `/carts/<id>`.
   */
  readonly queryPublicUrl: string;
}

export interface CommandsConfig {
  readonly timeoutMs: number;
  readonly maxBatch: number;
  /** How fast a dead command-processor instance's partitions move to another (Kafka session timeout). */
  readonly sessionTimeoutMs: number;
  /** Keep warm copies of the partitions this instance does not own, so a takeover reads only the log's tail. */
  readonly standbyReplicas: boolean;
}

export interface ProjectionsConfig {
  /** How fast a dead projector instance's partitions move to another (Kafka session timeout). */
  readonly sessionTimeoutMs: number;
  /** Most records applied in one PostgreSQL transaction. */
  readonly maxBatch: number;
  /** Partitions of one projection written concurrently by one projector instance. */
  readonly partitionConcurrency: number;
}

export interface AppConfig {
  readonly kafka: KafkaConfig;
  readonly database: DatabaseConfig;
  readonly http: HttpConfig;
  readonly commands: CommandsConfig;
  readonly projections: ProjectionsConfig;
  /** Bearer-token verification; required by the command and query services (`requireAuth`). */
  readonly auth?: AuthConfig;
  readonly rateLimit: RateLimitConfig;
  readonly tracing: TracingConfig;
  readonly logLevel: LoggingConfig['level'];
  readonly logFormat: LoggingConfig['format'];
}

/** LOG_LEVEL and LOG_FORMAT: read before the rest, so that even a configuration error is a log line. */
export interface LoggingConfig {
  readonly level: 'error' | 'warn' | 'log' | 'debug';
  /** `json` (one object per line, the default) or `pretty` (for a developer's terminal: `npm start`). */
  readonly format: 'json' | 'pretty';
}

export function loadLogging(env: Env = process.env): LoggingConfig {
  return {
    level: oneOf(env, 'LOG_LEVEL', ['error', 'warn', 'log', 'debug'] as const, 'log'),
    format: oneOf(env, 'LOG_FORMAT', ['json', 'pretty'] as const, 'json'),
  };
}

export const DEFAULT_DATABASE_URL = 'postgres://postgres@127.0.0.1:5432/carts';
export const DEFAULT_KAFKA_BROKERS = '127.0.0.1:9092';

function loadSasl(env: Env): KafkaConfig['sasl'] {
  const mechanism = optionalStr(env, 'KAFKA_SASL_MECHANISM');
  if (!mechanism) return undefined;
  return {
    mechanism: oneOf(env, 'KAFKA_SASL_MECHANISM', ['plain', 'scram-sha-256', 'scram-sha-512'] as const),
    username: str(env, 'KAFKA_SASL_USERNAME'),
    // No default on purpose: a secret that defaults is a secret that leaks.
    password: secretOrFile(env, 'KAFKA_SASL_PASSWORD', 'KAFKA_SASL_PASSWORD_FILE'),
  };
}

function loadKafka(env: Env): KafkaConfig {
  const tls = loadKafkaTls(env);
  const ssl = bool(env, 'KAFKA_SSL', tls !== undefined);
  if (tls && !ssl) throw new ConfigError('KAFKA_SSL', 'true (or unset) when KAFKA_SSL_CA_FILE, KAFKA_SSL_CERT_FILE or KAFKA_SSL_KEY_FILE is set', env.KAFKA_SSL);
  return {
    brokers: hostPortList(env, 'KAFKA_BROKERS', DEFAULT_KAFKA_BROKERS),
    localBroker: optionalStr(env, 'KAFKA_BROKERS') === undefined,
    clientId: str(env, 'KAFKA_CLIENT_ID', 'carts'),
    ssl,
    tls,
    sasl: loadSasl(env),
    topicPrefix: topicPrefix(env, 'KAFKA_TOPIC_PREFIX'),
    partitions: int(env, 'CART_PARTITIONS', 6, 1, 1000),
    replyPartitions: int(env, 'CART_REPLY_PARTITIONS', 12, 1, 1000),
    replicationFactor: optionalStr(env, 'KAFKA_REPLICATION_FACTOR') === undefined ? undefined : int(env, 'KAFKA_REPLICATION_FACTOR', 3, 1, 7),
    allowUnderReplicated: bool(env, 'KAFKA_ALLOW_UNDER_REPLICATED', false),
    idempotencyRetentionMs: int(env, 'IDEMPOTENCY_RETENTION_MS', 86_400_000, 60_000, 30 * 86_400_000),
    manageTopics: bool(env, 'KAFKA_MANAGE_TOPICS', true),
  };
}

export function loadConfig(env: Env = process.env): AppConfig {
  const queryPort = int(env, 'QUERY_SERVICE_PORT', 3001, 1, 65535);
  const logging = loadLogging(env);
  return {
    kafka: loadKafka(env),
    database: {
      url: postgresUrl(env, 'DATABASE_URL', DEFAULT_DATABASE_URL),
      defaulted: optionalStr(env, 'DATABASE_URL') === undefined,
      ownerUrl: optionalStr(env, 'DATABASE_OWNER_URL') === undefined ? undefined : postgresUrl(env, 'DATABASE_OWNER_URL', ''),
      poolSize: int(env, 'DATABASE_POOL_SIZE', 10, 1, 200),
      connectTimeoutMs: int(env, 'DATABASE_CONNECT_TIMEOUT_MS', 2000, 100, 60_000),
      queryStatementTimeoutMs: int(env, 'QUERY_STATEMENT_TIMEOUT_MS', 2500, 100, 600_000),
      projectorStatementTimeoutMs: int(env, 'PROJECTOR_STATEMENT_TIMEOUT_MS', 30_000, 1000, 3_600_000),
      idleInTransactionTimeoutMs: int(env, 'DATABASE_IDLE_IN_TRANSACTION_TIMEOUT_MS', 60_000, 1000, 3_600_000),
    },
    http: {
      host: str(env, 'HTTP_HOST', '127.0.0.1'),
      commandPort: int(env, 'COMMAND_SERVICE_PORT', 3000, 1, 65535),
      queryPort,
      projectorPort: int(env, 'PROJECTOR_PORT', 3002, 1, 65535),
      consolePort: int(env, 'CONSOLE_PORT', 3003, 1, 65535),
      accessLog: bool(env, 'HTTP_ACCESS_LOG', true),
      queryPublicUrl: httpBaseUrl(env, 'QUERY_SERVICE_PUBLIC_URL', `http://127.0.0.1:${queryPort}`),
    },
    commands: {
      timeoutMs: int(env, 'COMMAND_TIMEOUT_MS', 5000, 100, 120_000),
      maxBatch: int(env, 'COMMAND_MAX_BATCH', 500, 1, 10_000),
      sessionTimeoutMs: int(env, 'COMMAND_SESSION_TIMEOUT_MS', 10_000, 6_000, 300_000),
      standbyReplicas: bool(env, 'COMMAND_STANDBY_REPLICAS', true),
    },
    projections: {
      sessionTimeoutMs: int(env, 'PROJECTOR_SESSION_TIMEOUT_MS', 10_000, 1_000, 300_000),
      maxBatch: int(env, 'PROJECTOR_MAX_BATCH', 5000, 1, 50_000),
      partitionConcurrency: int(env, 'PROJECTOR_PARTITION_CONCURRENCY', 6, 1, 64),
    },
    auth: loadAuth(env),
    rateLimit: loadRateLimit(env),
    tracing: loadTracing(env),
    logLevel: logging.level,
    logFormat: logging.format,
  };
}

/**
 * Boot helper: report one line naming the variable and exit, instead of a stack trace. A service
 * passes its logger's `fatal` as `report` (the line is then JSON like every other); cartctl prints it.
 */
export function loadConfigOrExit(env: Env = process.env, needs: { readonly auth?: boolean } = {},
  report: (message: string) => void = (message) => console.error(message)): AppConfig {
  try {
    const config = loadConfig(env);
    if (needs.auth) requireAuth(config.auth);
    return config;
  } catch (error) {
    if (error instanceof ConfigError) {
      report(`Configuration error: ${error.message}`);
      process.exit(78); // EX_CONFIG
    }
    throw error;
  }
}

export const CONFIG_VARIABLES = [
  'KAFKA_BROKERS', 'KAFKA_CLIENT_ID', 'KAFKA_SSL', 'KAFKA_SSL_CA_FILE', 'KAFKA_SSL_CERT_FILE', 'KAFKA_SSL_KEY_FILE',
  'KAFKA_SASL_MECHANISM', 'KAFKA_SASL_USERNAME', 'KAFKA_SASL_PASSWORD', 'KAFKA_SASL_PASSWORD_FILE', 'KAFKA_TOPIC_PREFIX',
  'KAFKA_MANAGE_TOPICS', 'CART_PARTITIONS', 'CART_REPLY_PARTITIONS',
  'KAFKA_REPLICATION_FACTOR', 'KAFKA_ALLOW_UNDER_REPLICATED', 'IDEMPOTENCY_RETENTION_MS', 'DATABASE_URL', 'DATABASE_OWNER_URL', 'DATABASE_POOL_SIZE',
  'DATABASE_CONNECT_TIMEOUT_MS', 'QUERY_STATEMENT_TIMEOUT_MS', 'PROJECTOR_STATEMENT_TIMEOUT_MS', 'DATABASE_IDLE_IN_TRANSACTION_TIMEOUT_MS',
  'HTTP_HOST', 'COMMAND_SERVICE_PORT', 'QUERY_SERVICE_PORT', 'QUERY_SERVICE_PUBLIC_URL', 'PROJECTOR_PORT', 'CONSOLE_PORT', 'HTTP_ACCESS_LOG', 'COMMAND_TIMEOUT_MS',
  'COMMAND_MAX_BATCH', 'COMMAND_SESSION_TIMEOUT_MS', 'COMMAND_STANDBY_REPLICAS', 'LOG_LEVEL', 'LOG_FORMAT',
  'PROJECTOR_SESSION_TIMEOUT_MS', 'PROJECTOR_MAX_BATCH', 'PROJECTOR_PARTITION_CONCURRENCY',
  ...AUTH_VARIABLES, ...TRACING_VARIABLES,
] as const;
