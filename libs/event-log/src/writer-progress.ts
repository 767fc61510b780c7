/**
 * The PartitionWriter's progress: the next input offset to process, written in every transaction
 * to the partition's progress topic (compacted) instead of committing the consumer offset in the
 * transaction (sendOffsets costs two more round trips per transaction and more than doubled its
 * time). Read back after fencing, it says exactly where the previous owner stopped.
 */
export const WRITER_PROGRESS_KEY = '__partition-writer-progress__';

export function encodeWriterProgress(nextOffset: bigint): Buffer {
  return Buffer.from(JSON.stringify({ nextOffset: nextOffset.toString() }));
}

/** The next input offset in a progress record, or null if the value is not one. */
export function decodeWriterProgress(value: Buffer | null): bigint | null {
  try {
    const { nextOffset } = JSON.parse(value?.toString() ?? 'null') as { nextOffset?: unknown };
    return typeof nextOffset === 'string' && /^\d+$/.test(nextOffset) ? BigInt(nextOffset) : null;
  } catch {
    return null;
  }
}
