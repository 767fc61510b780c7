import { Kafka, logLevel, type SASLOptions } from 'kafkajs';

/**
 * For the broker launcher and readiness checks, before any configuration exists: the cluster id
 * of whatever Kafka answers a real Metadata request (kafkajs admin
 * describeCluster) at these brokers, or undefined when nothing does within the timeout.
 */
export async function probeKafkaCluster(brokers: string[], timeoutMs = 5000, sasl?: SASLOptions): Promise<string | undefined> {
  const cluster = await describeWithin(brokers, timeoutMs, sasl);
  return cluster && cluster.brokers > 0 ? cluster.clusterId : undefined;
}

/** How many live (registered, unfenced) brokers the cluster's metadata lists; 0 when nothing answers. */
export async function probeKafkaBrokerCount(brokers: string[], timeoutMs = 5000, sasl?: SASLOptions): Promise<number> {
  return (await describeWithin(brokers, timeoutMs, sasl))?.brokers ?? 0;
}

async function describeWithin(brokers: string[], timeoutMs: number, sasl?: SASLOptions): Promise<{ clusterId: string; brokers: number } | undefined> {
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
    .then((cluster) => ({ clusterId: cluster.clusterId, brokers: cluster.brokers.length }))
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

