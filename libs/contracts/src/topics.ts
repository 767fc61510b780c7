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
}

export function topicNames(prefix = ''): TopicNames {
  return {
    events: `${prefix}cart-events`,
    commands: `${prefix}cart-commands`,
    replies: `${prefix}cart-command-replies`,
    idempotency: `${prefix}cart-idempotency`,
  };
}

export const CONSUMER_GROUPS = {
  commandProcessor: (prefix = '') => `${prefix}cart-command-processor`,
  projection: (prefix: string, projection: string, generation: number) => `${prefix}projection.${projection}.g${generation}`,
};
