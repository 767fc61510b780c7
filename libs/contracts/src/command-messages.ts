import type { CartCommand, CartErrorCode } from '@carts/domain';

/**
 * Internal messages of the write side. The HTTP layer publishes a CommandMessage to
 * `cart-commands` (key = cartId); the partition's single writer answers with a CommandReply on
 * `cart-command-replies`, partition `replyPartition`, in the same Kafka transaction as the events.
 */
export interface CommandMessage {
  readonly commandId: string;
  readonly correlationId: string;
  readonly cartId: string;
  readonly command: CartCommand;
  /**
   * The customer the command is placed by (the caller's token subject). The writer answers a
   * command on another customer's cart as if the cart did not exist, and appends nothing.
   */
  readonly customerId?: string;
  /** If-Match: apply only when the cart is at exactly this version. */
  readonly expectedVersion?: number;
  /** If-Match: * (RFC 9110 §13.1.1): apply only when the cart exists, at any version. */
  readonly expectExists?: boolean;
  readonly idempotencyKey?: string;
  /** Hash of the request (route + body) so a reused key with another request is detected. */
  readonly requestHash?: string;
  readonly replyPartition: number;
  /** Epoch ms after which the asker has given up: the writer then appends nothing. */
  readonly deadline: number;
}

export type RejectionKind = 'not_found' | 'rule_broken' | 'invalid' | 'version_conflict' | 'idempotency_conflict' | 'expired';

export type CommandOutcome =
  | { readonly status: 'accepted'; readonly cartId: string; readonly version: number }
  | {
      readonly status: 'rejected';
      readonly cartId: string;
      readonly kind: RejectionKind;
      readonly code: CartErrorCode | 'VERSION_CONFLICT' | 'IDEMPOTENCY_KEY_REUSED' | 'COMMAND_EXPIRED' | 'MALFORMED_COMMAND';
      readonly message: string;
      /** The cart's version when the command was rejected (0 when it does not exist). */
      readonly version: number;
    };

export interface CommandReply {
  readonly commandId: string;
  readonly outcome: CommandOutcome;
}

/** Kept per cart in `cart-idempotency` so a retried key gets its first outcome, even after restarts. */
export interface IdempotencyRecord {
  readonly cartId: string;
  readonly key: string;
  readonly requestHash: string;
  readonly outcome: CommandOutcome;
  readonly recordedAt: string;
}

export const encodeJson = (value: unknown): Buffer => Buffer.from(JSON.stringify(value));

export function decodeJson<T>(value: Buffer | null): T | null {
  if (value === null) return null;
  try {
    return JSON.parse(value.toString()) as T;
  } catch {
    return null;
  }
}

export function isCommandMessage(value: unknown): value is CommandMessage {
  const v = value as CommandMessage | null;
  return (
    typeof v === 'object' && v !== null &&
    typeof v.commandId === 'string' && typeof v.cartId === 'string' &&
    typeof v.command === 'object' && v.command !== null && typeof v.command.type === 'string' &&
    Number.isInteger(v.replyPartition) && typeof v.deadline === 'number' &&
    (v.customerId === undefined || typeof v.customerId === 'string')
  );
}

export const idempotencyRecordKey = (cartId: string, key: string): string => `${cartId}/${key}`;
