import { listDeadLetters, retryDeadLetters, skipDeadLetter, skipDeadLettersAt, type DeadLetterView } from '@carts/read-model';
import { parseArgs } from '../args';
import { UsageError, type CliContext } from '../context';
import { table } from '@carts/operations';

export const dlqUsage = [
  'dlq list [--projection <name>] [--all] [--json]   parked records (poison, and later events of the same cart)',
  'dlq retry [--projection <name>] [--cart <id>]     after a fix: re-apply parked records, cart by cart, in log order',
  '                                                  (exit code 1 while records stay parked)',
  'dlq skip <id>                                     give up on a record that can never be read or must never apply (forged)',
  'dlq skip --record <partition>@<offset>            the same, in every projection that parked that log record',
];

const short = (s: string, n: number) => (s.length > n ? `${s.slice(0, n - 1)}…` : s);

function print(ctx: CliContext, letters: readonly DeadLetterView[]): void {
  const rows = letters.map((d) => [d.id, d.projection, d.generation, d.partition, d.offset, d.cartId ?? '-', d.kind, d.resolution ?? d.status, short(d.reason, 70)]);
  table(['ID', 'PROJECTION', 'GEN', 'PART', 'OFFSET', 'CART', 'KIND', 'STATUS', 'REASON'], rows).forEach((l) => ctx.out.line(l));
}

async function list(ctx: CliContext, argv: string[]): Promise<number> {
  const { flags } = parseArgs(argv, ['projection'], ['all', 'json']);
  const projection = flags.get('projection') as string | undefined;
  if (projection) ctx.projection(projection);
  const letters = await listDeadLetters(await ctx.ds(), { projection, all: flags.has('all') });
  if (flags.has('json')) ctx.out.line(JSON.stringify(letters, null, 2));
  else if (letters.length === 0) ctx.out.line('no parked records');
  else print(ctx, letters);
  return 0;
}

async function retry(ctx: CliContext, argv: string[]): Promise<number> {
  const { flags } = parseArgs(argv, ['projection', 'cart']);
  const name = flags.get('projection') as string | undefined;
  const projections = name ? [ctx.projection(name)] : ctx.projections;
  const ds = await ctx.ds();
  let stillParked = 0;
  for (const projection of projections) {
    for (const report of await retryDeadLetters(ds, projection, { cartId: flags.get('cart') as string | undefined })) {
      ctx.out.line(`${report.projection} g${report.generation}: ${report.applied} re-applied, ${report.stillParked.length} still parked`);
      stillParked += report.stillParked.length;
      const heads = report.stillParked.filter((d) => d.kind === 'poison');
      for (const d of heads) ctx.out.line(`  #${d.id} cart ${d.cartId ?? '-'} p${d.partition}@${d.offset}: ${d.reason} (if it can never be read: cartctl dlq skip ${d.id}) or, in every projection: cartctl dlq skip --record ${d.partition}@${d.offset}`);
    }
  }
  // A script (or an operator's `&&`) must not read "done" while records are still parked.
  if (stillParked > 0) ctx.out.note(`${stillParked} record(s) still parked`);
  return stillParked > 0 ? 1 : 0;
}

async function skipRecord(ctx: CliContext, at: string): Promise<number> {
  const match = /^(\d+)@(\d+)$/.exec(at);
  if (!match) throw new UsageError('--record takes <partition>@<offset> of cart-events (see dlq list)');
  const skipped = await skipDeadLettersAt(await ctx.ds(), Number(match[1]), match[2]);
  if (skipped.length === 0) {
    ctx.out.note(`no parked record at partition ${match[1]}, offset ${match[2]}`);
    return 1;
  }
  for (const d of skipped) ctx.out.line(`skipped #${d.id} (${d.projection} g${d.generation}, cart ${d.cartId ?? '-'})`);
  ctx.out.line('run "cartctl dlq retry" to apply the records parked behind it');
  return 0;
}

async function skip(ctx: CliContext, argv: string[]): Promise<number> {
  const { positional, flags } = parseArgs(argv, ['record']);
  const record = flags.get('record');
  if (typeof record === 'string' && positional.length === 0) return skipRecord(ctx, record);
  if (positional.length !== 1 || !/^\d+$/.test(positional[0])) throw new UsageError('dlq skip needs the id of one parked record, or --record <partition>@<offset> (see dlq list)');
  const skipped = await skipDeadLetter(await ctx.ds(), positional[0]);
  if (!skipped) {
    ctx.out.note(`no parked record #${positional[0]}`);
    return 1;
  }
  ctx.out.line(`skipped #${skipped.id} (${skipped.projection} g${skipped.generation}, cart ${skipped.cartId ?? '-'}); run "cartctl dlq retry" to apply the records parked behind it`);
  return 0;
}

/** `cartctl dlq list|retry|skip`. */
export async function dlq(ctx: CliContext, argv: string[]): Promise<number> {
  const [sub, ...rest] = argv;
  if (sub === 'list') return list(ctx, rest);
  if (sub === 'retry') return retry(ctx, rest);
  if (sub === 'skip') return skip(ctx, rest);
  throw new UsageError(`dlq needs list, retry or skip`);
}
