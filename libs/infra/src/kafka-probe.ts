import { probeKafkaBrokerCount, probeKafkaCluster } from '@carts/event-log';
import { Socket } from 'node:net';

export { probeKafkaBrokerCount, probeKafkaCluster };

/** True when the brokers answer a real Metadata request. */
export async function isKafkaReady(brokers: string[], timeoutMs = 5000, sasl?: Parameters<typeof probeKafkaCluster>[2]): Promise<boolean> {
  return (await probeKafkaCluster(brokers, timeoutMs, sasl)) !== undefined;
}

/**
 * Which Kafka line answers at host:port, from a raw ApiVersions v0 request (kafkajs does not
 * expose the versions it negotiated): Kafka 4.0 removed Fetch v0–v3 (KIP-896), so a Fetch minimum
 * of 4 or more means 4.x. (Not Produce: 4.x still advertises Produce from v0, measured on 4.4.0.)
 * Undefined when nothing answers in time.
 */
export function probeKafkaGeneration(host: string, port: number, timeoutMs = 3000): Promise<'4.x' | '3.x or older' | undefined> {
  const clientId = Buffer.from('infra-version-probe');
  const request = Buffer.alloc(4 + 2 + 2 + 4 + 2 + clientId.length);
  request.writeInt32BE(request.length - 4, 0);
  request.writeInt16BE(18, 4); // ApiVersions
  request.writeInt16BE(0, 6); // v0: every broker since 0.10 answers it, 4.x included
  request.writeInt32BE(1, 8); // correlation id
  request.writeInt16BE(clientId.length, 12);
  clientId.copy(request, 14);
  return new Promise((resolve) => {
    const socket = new Socket();
    let received = Buffer.alloc(0);
    const finish = (result: '4.x' | '3.x or older' | undefined): void => {
      socket.destroy();
      resolve(result);
    };
    socket.setTimeout(timeoutMs, () => finish(undefined));
    socket.once('error', () => finish(undefined));
    socket.on('data', (chunk: Buffer) => {
      received = Buffer.concat([received, chunk]);
      if (received.length < 4 || received.length < 4 + received.readInt32BE(0)) return;
      const fetchMin = minVersion(received, 1);
      finish(fetchMin === undefined ? undefined : fetchMin >= 4 ? '4.x' : '3.x or older');
    });
    socket.connect(port, host, () => socket.write(request));
  });
}

/** An API's minimum version in an ApiVersions v0 response (size, correlation id, error, array). */
function minVersion(response: Buffer, apiKey: number): number | undefined {
  if (response.readInt16BE(8) !== 0) return undefined;
  const count = response.readInt32BE(10);
  for (let i = 0, at = 14; i < count && at + 6 <= response.length; i++, at += 6) {
    if (response.readInt16BE(at) === apiKey) return response.readInt16BE(at + 2);
  }
  return undefined;
}
