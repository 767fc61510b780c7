import { Kafka, logLevel, type KafkaConfig as KafkaJsConfig, type SASLOptions } from 'kafkajs';
import type { KafkaConfig } from '@carts/config';
import { assertKafkajsPatched } from './kafkajs-patch';
import { kafkaLogCreator } from './kafka-logging';

/** The one place a kafkajs client is configured (brokers, TLS, SASL, retries, logging). */
export function createKafka(config: KafkaConfig, clientSuffix: string): Kafka {
  assertKafkajsPatched();
  const debug = process.env.KAFKAJS_LOG_LEVEL === 'debug';
  const options: KafkaJsConfig = {
    clientId: `${config.clientId}-${clientSuffix}`,
    brokers: config.brokers,
    // A private CA and/or a client certificate (mutual TLS) when configured, else the system CAs.
    ssl: config.tls ? { ...config.tls } : config.ssl,
    sasl: config.sasl ? (config.sasl as SASLOptions) : undefined,
    connectionTimeout: 3000,
    requestTimeout: 10000,
    retry: { initialRetryTime: 100, retries: 8, maxRetryTime: 2000 },
    logLevel: debug ? logLevel.DEBUG : logLevel.ERROR,
    logCreator: kafkaLogCreator(debug),
  };
  const kafka = new Kafka(options);
  TOPIC_PREFIXES.set(kafka, config.topicPrefix);
  return kafka;
}

const TOPIC_PREFIXES = new WeakMap<Kafka, string>();

/** The KAFKA_TOPIC_PREFIX a client was made with ('' for one made elsewhere). */
export const topicPrefixOf = (kafka: Kafka): string => TOPIC_PREFIXES.get(kafka) ?? '';
