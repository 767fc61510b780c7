import { randomUUID } from 'node:crypto';

/**
 * Topic names. `cart-commands` and `cart-events` must have the same partition count and are keyed
 * by cart id, so a cart's commands and events share a partition number: that is what makes one
 * writer per partition possible (see docs/architecture.md).
 */
export interface TopicNames {
  /** The source of truth: every cart event, kept forever. */
  readonly events: string;
  /** Validated commands waiting for the partition's single writer. */
  readonly commands: string;
  /** Command outcomes, routed to the partition the asking HTTP instance reads. */
  readonly replies: string;
  /** Idempotency-Key outcomes per cart (compacted; restored with the partition's state). */
  readonly idempotency: string;
  /**
   * The command processor's progress per partition (next command offset), compacted only: it
   * must outlive any retention, or an idle partition would reprocess its commands.
   */
  readonly writerProgress: string;
}

export function topicNames(prefix = ''): TopicNames {
  return {
    events: `${prefix}cart-events`,
    commands: `${prefix}cart-commands`,
    replies: `${prefix}cart-command-replies`,
    idempotency: `${prefix}cart-idempotency`,
    writerProgress: `${prefix}cart-writer-progress`,
  };
}

export const CONSUMER_GROUPS = {
  commandProcessor: (prefix = '') => `${prefix}cart-command-processor`,
  projection: (prefix: string, projection: string, generation: number) => `${prefix}projection.${projection}.g${generation}`,
  /**
   * A one-process group for a fixed assignment (kafkajs cannot consume without a group). It
   * carries the prefix, so prefixed ACLs cover it; it never commits offsets; its owner deletes it
   * on stop, and after a crash the broker drops it by itself (an empty group without offsets is
   * removed at the next `offsets.retention.check.interval.ms`).
   */
  private: (prefix: string, role: 'reader' | 'tailer' | 'reply-listener') => `${prefix}private.${role}.${randomUUID()}`,
};
