import { CartError, decide, evolve, initialState, type CartEvent } from '@carts/domain';
import type { CommandMessage, CommandOutcome, IdempotencyRecord } from '@carts/contracts';
import type { CartEntry } from './partition-state';

export interface Decision {
  readonly outcome: CommandOutcome;
  readonly events: readonly CartEvent[];
  readonly next: CartEntry;
  /** Record the outcome under the command's Idempotency-Key. */
  readonly remember: boolean;
}

const MISSING: CartEntry = { state: initialState, version: 0 };

const reject = (msg: CommandMessage, entry: CartEntry, kind: Extract<CommandOutcome, { status: 'rejected' }>['kind'],
  code: Extract<CommandOutcome, { status: 'rejected' }>['code'], message: string, remember: boolean): Decision => ({
  outcome: { status: 'rejected', cartId: msg.cartId, kind, code, message, version: entry.version }, events: [], next: entry, remember,
});

/**
 * state → decide → events, plus the write-side concerns around the pure decider: deadlines,
 * Idempotency-Key, If-Match. Pure apart from the clock reading passed in as `now`.
 */
export function decideCommand(msg: CommandMessage, entry: CartEntry, previous: IdempotencyRecord | undefined, now: number): Decision {
  // Another customer's cart does not exist for this caller: the answer a missing cart would get
  // (If-Match included), with nothing appended or remembered; checked first, so not even an
  // idempotent replay leaks anything of it. (A CreateCart cannot land here: new ids come from the
  // caller and the key, or are random.)
  if (msg.customerId !== undefined && entry.state.status !== 'none' && entry.state.customerId !== msg.customerId) {
    const asIfMissing = decideCommand({ ...msg, customerId: undefined }, MISSING, undefined, now).outcome;
    const outcome: CommandOutcome = asIfMissing.status === 'rejected' ? asIfMissing
      : { status: 'rejected', cartId: msg.cartId, kind: 'not_found', code: 'CART_NOT_FOUND', message: 'Cart does not exist', version: 0 };
    return { outcome, events: [], next: entry, remember: false };
  }
  if (previous) {
    if (previous.requestHash === msg.requestHash) return { outcome: previous.outcome, events: [], next: entry, remember: false };
    return reject(msg, entry, 'idempotency_conflict', 'IDEMPOTENCY_KEY_REUSED', 'This Idempotency-Key was used with a different request', false);
  }
  // The asker has already answered 503: appending now would apply a command the client saw fail.
  if (now > msg.deadline) return reject(msg, entry, 'expired', 'COMMAND_EXPIRED', 'The command expired before it was processed', false);
  if (msg.expectExists && entry.version === 0) {
    return reject(msg, entry, 'version_conflict', 'VERSION_CONFLICT', 'The cart does not exist (If-Match: * asks that it does)', true);
  }
  if (msg.expectedVersion !== undefined && msg.expectedVersion !== entry.version) {
    return reject(msg, entry, 'version_conflict', 'VERSION_CONFLICT', `The cart is at version ${entry.version}, not ${msg.expectedVersion}`, true);
  }
  try {
    const events = decide(entry.state, msg.command);
    const next = events.reduce<CartEntry>((e, event) => ({ state: evolve(e.state, event), version: e.version + 1 }), entry);
    return { outcome: { status: 'accepted', cartId: msg.cartId, version: next.version }, events, next, remember: true };
  } catch (error) {
    if (!(error instanceof CartError)) {
      return reject(msg, entry, 'invalid', 'MALFORMED_COMMAND', 'The command could not be interpreted', true);
    }
    return reject(msg, entry, error.kind, error.code, error.message, true);
  }
}
