import { Kafka, logLevel, type SASLOptions } from 'kafkajs';

/**
 * For the broker launcher and readiness checks, before any configuration exists: the cluster id
 * of whatever Kafka answers a real Metadata request (kafkajs admin
 * describeCluster) at these brokers, or undefined when nothing does within the timeout.
 */
export async function probeKafkaCluster(brokers: string[], timeoutMs = 5000, sasl?: SASLOptions): Promise<string | undefined> {
  const kafka = new Kafka({
    clientId: 'readiness-probe',
    brokers,
    sasl,
    logLevel: logLevel.NOTHING,
    connectionTimeout: Math.min(timeoutMs, 3000),
    requestTimeout: timeoutMs,
    retry: { retries: 0 },
  });
  const admin = kafka.admin();
  const probe = admin
    .connect()
    .then(() => admin.describeCluster())
    .then((cluster) => (cluster.brokers.length > 0 ? cluster.clusterId : undefined))
    .catch(() => undefined);
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<undefined>((done) => (timer = setTimeout(() => done(undefined), timeoutMs)));
  try {
    return await Promise.race([probe, timeout]);
  } finally {
    clearTimeout(timer);
    await admin.disconnect().catch(() => undefined);
  }
}

