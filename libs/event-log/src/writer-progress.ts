/**
 * The PartitionWriter's progress: the next input offset to process, written in every transaction
 * to the partition's progress topic (compacted) instead of committing the consumer offset in the
 * transaction (sendOffsets costs two more round trips per transaction and more than doubled its
 * time). Read back after fencing, it says exactly where the previous owner stopped.
 *
 * The progress topic (`cart-writer-progress`) is compacted and nothing else: compaction keeps the
 * last record of the key in each partition, and no retention applies, so a partition idle for
 * months still knows where it stopped. Until this version the record shared `cart-idempotency`,
 * whose `compact,delete` retention deleted it once the partition was idle longer than
 * IDEMPOTENCY_RETENTION_MS (and the group offset, only a hint, expires too), so its commands were
 * processed again. That old record is still read (logs written before keep working), and the
 * later of the two wins: progress only moves forward, so the larger offset is the latest.
 */
export const WRITER_PROGRESS_KEY = '__partition-writer-progress__';

export function encodeWriterProgress(nextOffset: bigint): Buffer {
  return Buffer.from(JSON.stringify({ nextOffset: nextOffset.toString() }));
}

/** The later of two progress records: progress never moves back. */
export const laterProgress = (a: bigint | null, b: bigint | null): bigint | null => (a === null ? b : b === null || a > b ? a : b);

/** The next input offset in a progress record, or null if the value is not one. */
export function decodeWriterProgress(value: Buffer | null): bigint | null {
  try {
    const { nextOffset } = JSON.parse(value?.toString() ?? 'null') as { nextOffset?: unknown };
    return typeof nextOffset === 'string' && /^\d+$/.test(nextOffset) ? BigInt(nextOffset) : null;
  } catch {
    return null;
  }
}
