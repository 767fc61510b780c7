import { connect } from 'node:net';
import { CONSUMER_GROUPS } from '@carts/contracts';
import { configFor } from './event-log';

/** The transaction coordinator's view of one transactional id (Kafka's DescribeTransactions). */
export interface TransactionView {
  readonly transactionalId: string;
  /** Empty, Ongoing, PrepareCommit, PrepareAbort, CompleteCommit, CompleteAbort, Dead, PrepareEpochFence. */
  readonly state: string;
  readonly producerId: bigint;
  readonly producerEpoch: number;
  readonly startedAt: bigint;
  readonly partitions: readonly string[];
}

/** The command processor's transactional id for a partition (see PartitionWriter.takeOver). */
export const writerTransactionalId = (prefix: string, partition: number): string => `${CONSUMER_GROUPS.commandProcessor(prefix)}-${partition}`;

/** Same transaction: same producer, same epoch, same start. */
export const sameTransaction = (a: TransactionView, b: TransactionView): boolean =>
  a.producerId === b.producerId && a.producerEpoch === b.producerEpoch && a.startedAt === b.startedAt && a.state === b.state;

/**
 * DescribeTransactions (API key 65, v0, KIP-664) as `kafka-transactions.sh describe` sends it.
 * kafkajs has no such admin call, and starting the Java tool costs seconds of JVM start on a busy
 * box: too slow to check a frozen instance inside its session timeout. Every broker is asked
 * (only the coordinator of an id answers without NOT_COORDINATOR); plaintext only, as in tests.
 */
export async function describeTransactions(prefix: string, ids: readonly string[]): Promise<TransactionView[]> {
  const found = new Map<string, TransactionView>();
  for (const broker of configFor(prefix).kafka.brokers) {
    const [host, port] = [broker.slice(0, broker.lastIndexOf(':')), Number(broker.slice(broker.lastIndexOf(':') + 1))];
    for (const view of decodeResponse(await roundTrip(host, port, encodeRequest(ids)))) {
      if (view !== null) found.set(view.transactionalId, view);
    }
  }
  return ids.flatMap((id) => (found.has(id) ? [found.get(id)!] : []));
}

function uvarint(n: number): Buffer {
  const bytes: number[] = [];
  while (n > 0x7f) { bytes.push((n & 0x7f) | 0x80); n >>>= 7; }
  bytes.push(n);
  return Buffer.from(bytes);
}

function compactString(s: string): Buffer {
  const bytes = Buffer.from(s, 'utf8');
  return Buffer.concat([uvarint(bytes.length + 1), bytes]);
}

function encodeRequest(ids: readonly string[]): Buffer {
  const clientId = Buffer.from('carts-test-describe-transactions');
  const header = Buffer.alloc(10);
  header.writeInt16BE(65, 0); // DescribeTransactions
  header.writeInt16BE(0, 2); // v0: flexible, request header v2
  header.writeInt32BE(1, 4); // correlation id: one request per connection
  header.writeInt16BE(clientId.length, 8);
  const body = Buffer.concat([header, clientId, uvarint(0), uvarint(ids.length + 1), ...ids.map(compactString), uvarint(0)]);
  const size = Buffer.alloc(4);
  size.writeInt32BE(body.length);
  return Buffer.concat([size, body]);
}

function roundTrip(host: string, port: number, request: Buffer): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host, port }, () => socket.write(request));
    let received = Buffer.alloc(0);
    socket.setTimeout(5000, () => socket.destroy(new Error(`DescribeTransactions to ${host}:${port} timed out`)));
    socket.on('data', (chunk) => {
      received = Buffer.concat([received, chunk]);
      if (received.length >= 4 && received.length >= 4 + received.readInt32BE(0)) {
        socket.end();
        resolve(received.subarray(4, 4 + received.readInt32BE(0)));
      }
    });
    socket.on('error', reject);
  });
}

class Reader {
  private at = 0;
  constructor(private readonly buf: Buffer) {}
  int16(): number { const v = this.buf.readInt16BE(this.at); this.at += 2; return v; }
  int32(): number { const v = this.buf.readInt32BE(this.at); this.at += 4; return v; }
  int64(): bigint { const v = this.buf.readBigInt64BE(this.at); this.at += 8; return v; }
  uvarint(): number {
    let value = 0;
    for (let shift = 0; ; shift += 7) {
      const byte = this.buf[this.at++];
      value |= (byte & 0x7f) << shift;
      if ((byte & 0x80) === 0) return value >>> 0;
    }
  }
  string(): string { const n = this.uvarint() - 1; const s = this.buf.toString('utf8', this.at, this.at + n); this.at += n; return s; }
  array<T>(item: () => T): T[] { return Array.from({ length: Math.max(0, this.uvarint() - 1) }, item); }
  taggedFields(): void { for (let n = this.uvarint(); n > 0; n--) { this.uvarint(); this.at += this.uvarint(); } }
}

/** One view per id the broker coordinates; null for the others (NOT_COORDINATOR and other errors). */
function decodeResponse(frame: Buffer): (TransactionView | null)[] {
  const r = new Reader(frame);
  r.int32(); // correlation id
  r.taggedFields(); // response header v1
  r.int32(); // throttle time
  return r.array(() => {
    const error = r.int16();
    const transactionalId = r.string();
    const state = r.string();
    r.int32(); // transaction timeout
    const startedAt = r.int64();
    const producerId = r.int64();
    const producerEpoch = r.int16();
    const partitions = r.array(() => {
      const topic = r.string();
      const list = r.array(() => r.int32());
      r.taggedFields();
      return list.map((p) => `${topic}-${p}`);
    }).flat();
    r.taggedFields();
    return error === 0 ? { transactionalId, state, producerId, producerEpoch, startedAt, partitions } : null;
  });
}
