// The bench's peer: a minimal cart service on Emmett's PostgreSQL event store, written the way
// Emmett's own shopping-cart sample is (samples/webApi/expressjs-with-postgresql): pure
// decide/evolve, Emmett's CommandHandler (read stream → decide → append with the expected stream
// version), and an inline Pongo projection written in the append's transaction. The business rules
// are this project's own decider (@carts/domain), so the two services refuse and record exactly the
// same things: what differs is only the infrastructure around them. See docs/benchmarks.md.
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { CommandHandler, isExpectedVersionConflictError, projections, type ReadEvent } from '@event-driven-io/emmett';
import { getPostgreSQLEventStore, pongoSingleStreamProjection, type PostgresEventStore } from '@event-driven-io/emmett-postgresql';
import { cartTotals, CartError, decide, evolve, initialState, type CartCommand, type CartEvent, type CartLine, type CartState } from '@carts/domain';

/** The inline read model: one Pongo document per cart, like our cart-details row. */
export type CartDetails = {
  readonly customerId: string;
  readonly status: Exclude<CartState['status'], 'none'>;
  readonly currency: string | null;
  readonly lines: readonly CartLine[];
  readonly itemCount: number;
  readonly total: number;
};

export const CART_DETAILS_COLLECTION = 'cartDetails';
export const streamIdOf = (cartId: string): string => `cart:${cartId}`;

// The projection folds with the domain's own evolve (which never throws), so it cannot disagree
// with the write side's state.
function evolveDetails(document: CartDetails | null, { type, data }: ReadEvent<CartEvent>): CartDetails | null {
  const before: CartState = document ? { status: document.status, customerId: document.customerId, currency: document.currency, lines: document.lines } : initialState;
  const after = evolve(before, { type, data } as CartEvent);
  if (after.status === 'none') return null;
  return { customerId: after.customerId, status: after.status, currency: after.currency, lines: after.lines, ...cartTotals(after.lines) };
}

export const cartDetailsProjection = pongoSingleStreamProjection<CartDetails, CartEvent>({
  collectionName: CART_DETAILS_COLLECTION,
  evolve: evolveDetails,
  canHandle: ['CartCreated', 'ItemAdded', 'ItemQuantityChanged', 'ItemRemoved', 'CartCheckedOut', 'CartAbandoned'],
});

/** Emmett's command handler; a version conflict (two requests on one cart at once) is retried with Emmett's default policy. */
const handle = CommandHandler<CartState, CartEvent>({ evolve, initialState: () => initialState, retry: { onVersionConflict: true } });

/** The event store as Emmett's docs set it up: a connection string (pg's pool behind it) and the inline projection. */
export function cartEventStore(databaseUrl: string): PostgresEventStore {
  return getPostgreSQLEventStore(databaseUrl, { projections: projections.inline([cartDetailsProjection]) });
}

const PROBLEM = 'urn:carts:problem:';
const MAX_BODY_BYTES = 16 * 1024;
const ID = /^[A-Za-z0-9._-]{1,64}$/;

class Problem extends Error {
  constructor(readonly status: number, readonly type: string, readonly title: string, detail: string, readonly extensions: Record<string, unknown> = {}) {
    super(detail);
  }
}

function send(response: ServerResponse, status: number, body: unknown, contentType = 'application/json'): void {
  const text = JSON.stringify(body);
  response.writeHead(status, { 'content-type': contentType, 'content-length': Buffer.byteLength(text) });
  response.end(text);
}

async function readJson(request: IncomingMessage): Promise<Record<string, unknown>> {
  if (!(request.headers['content-type'] ?? '').startsWith('application/json')) throw new Problem(415, `${PROBLEM}unsupported-media-type`, 'Unsupported media type', 'Send application/json');
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) throw new Problem(413, `${PROBLEM}payload-too-large`, 'Payload too large', `At most ${MAX_BODY_BYTES} bytes`);
    chunks.push(chunk);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch {
    throw new Problem(400, `${PROBLEM}malformed-request`, 'Malformed request', 'The body is not JSON');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new Problem(400, `${PROBLEM}malformed-request`, 'Malformed request', 'The body must be a JSON object');
  return parsed as Record<string, unknown>;
}

const invalid = (field: string, message: string) => new Problem(400, `${PROBLEM}validation-failed`, 'Invalid request', `${field}: ${message}`, { errors: [{ field, message }] });

/** The same shape checks as our AddItem DTO; the numeric and currency rules are the decider's own. */
function addItemCommand(body: Record<string, unknown>): CartCommand {
  const { sku, name, quantity, unitPrice, currency } = body;
  if (typeof sku !== 'string' || !ID.test(sku)) throw invalid('sku', '1-64 characters of [A-Za-z0-9._-]');
  if (typeof name !== 'string' || name.length < 1 || name.length > 200) throw invalid('name', '1-200 characters');
  if (typeof quantity !== 'number') throw invalid('quantity', 'a whole number');
  if (typeof unitPrice !== 'number') throw invalid('unitPrice', 'a whole number of minor units');
  if (typeof currency !== 'string') throw invalid('currency', 'an ISO 4217 code');
  return { type: 'AddItem', data: { sku, name, quantity, unitPrice, currency } };
}

function createCommand(body: Record<string, unknown>): CartCommand {
  const { customerId } = body;
  if (typeof customerId !== 'string' || !ID.test(customerId)) throw invalid('customerId', '1-64 characters of [A-Za-z0-9._-]');
  return { type: 'CreateCart', data: { customerId } };
}

function asProblem(error: unknown, cartId: string): Problem {
  if (error instanceof Problem) return error;
  if (error instanceof CartError) {
    const ext = { code: error.code, cartId };
    if (error.kind === 'not_found') return new Problem(404, `${PROBLEM}cart-not-found`, 'Not found', error.message, ext);
    if (error.kind === 'invalid') return new Problem(400, `${PROBLEM}validation-failed`, 'Invalid request', error.message, { ...ext, errors: [] });
    return new Problem(409, `${PROBLEM}rule-broken`, 'Business rule broken', error.message, ext);
  }
  if (isExpectedVersionConflictError(error)) return new Problem(412, `${PROBLEM}version-conflict`, 'Version conflict', 'The cart changed meanwhile (retries exhausted)', { cartId });
  return new Problem(500, `${PROBLEM}internal-error`, 'Internal error', 'Unexpected error');
}

async function execute(store: PostgresEventStore, cartId: string, command: CartCommand): Promise<{ cartId: string; version: number }> {
  const result = await handle(store, streamIdOf(cartId), (state) => [...decide(state, command)]);
  return { cartId, version: Number(result.nextExpectedStreamVersion) };
}

const ITEMS_PATH = /^\/carts\/([A-Za-z0-9-]{1,64})\/items$/;

/**
 * POST /carts {customerId} → 201 {cartId, version}; POST /carts/:id/items {sku, name, quantity,
 * unitPrice, currency} → 200 {cartId, version}; GET /health/ready. Errors are RFC 9457 problems with
 * our services' types. No authentication: the Authorization header the load sends is ignored.
 */
export function cartPeerServer(store: PostgresEventStore, log: (line: string) => void = () => undefined): Server {
  return createServer((request, response) => {
    const url = request.url ?? '/';
    let cartId = '';
    const work = async () => {
      if (request.method === 'GET' && url === '/health/ready') return send(response, 200, { status: 'ok' });
      if (request.method === 'POST' && url === '/carts') {
        const command = createCommand(await readJson(request));
        cartId = randomUUID();
        return send(response, 201, await execute(store, cartId, command));
      }
      const items = request.method === 'POST' ? ITEMS_PATH.exec(url) : null;
      if (items) {
        cartId = items[1];
        return send(response, 200, await execute(store, cartId, addItemCommand(await readJson(request))));
      }
      throw new Problem(404, `${PROBLEM}not-found`, 'Not found', `No route ${request.method} ${url.split('?')[0]}`);
    };
    work().catch((error: unknown) => {
      const problem = asProblem(error, cartId);
      if (problem.status >= 500) log(`${request.method} ${url.split('?')[0]} failed: ${(error as Error)?.message ?? error}`);
      if (!response.headersSent) send(response, problem.status, { type: problem.type, title: problem.title, status: problem.status, detail: problem.message, ...problem.extensions }, 'application/problem+json');
      else response.destroy();
    });
  });
}
