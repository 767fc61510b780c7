import { register } from 'prom-client';
import { commandsTotal, countCommand, trackPartitions, writerMetrics } from './command-metrics';

const value = async (name: string, labels: Record<string, string> = {}): Promise<number> => {
  const metric = await register.getSingleMetric(name)?.get();
  return (metric?.values ?? []).filter((v) => Object.entries(labels).every(([k, l]) => v.labels[k] === l)).reduce((s, v) => s + v.value, 0);
};

describe('command service metrics', () => {
  beforeEach(() => register.resetMetrics());

  it.each([
    [{ status: 'accepted', cartId: 'c', version: 1 } as const, 'applied', ''],
    [{ status: 'unavailable', message: 'no outcome' } as const, 'unavailable', ''],
    [{ status: 'rejected', cartId: 'c', kind: 'rule_broken', code: 'CART_EMPTY', message: '', version: 1 } as const, 'rejected', 'CART_EMPTY'],
    [{ status: 'rejected', cartId: 'c', kind: 'not_found', code: 'CART_NOT_FOUND', message: '', version: 0 } as const, 'not_found', 'CART_NOT_FOUND'],
    [{ status: 'rejected', cartId: 'c', kind: 'version_conflict', code: 'VERSION_CONFLICT', message: '', version: 3 } as const, 'version_conflict', 'VERSION_CONFLICT'],
    [{ status: 'rejected', cartId: 'c', kind: 'idempotency_conflict', code: 'IDEMPOTENCY_KEY_REUSED', message: '', version: 3 } as const, 'idempotency_conflict', 'IDEMPOTENCY_KEY_REUSED'],
    [{ status: 'rejected', cartId: 'c', kind: 'expired', code: 'COMMAND_EXPIRED', message: '', version: 3 } as const, 'unavailable', 'COMMAND_EXPIRED'],
  ])('counts %j as outcome %s, code "%s", and never the cart id', async (outcome, expected, code) => {
    countCommand('AddItem', outcome);
    const values = (await commandsTotal.get()).values;
    expect(values).toEqual([{ labels: { command: 'AddItem', outcome: expected, code }, value: 1 }]);
  });

  it('records committed and aborted transactions, fencings and the ownership read at scrape time', async () => {
    writerMetrics.transactionCommitted(2, 0.004, 3);
    writerMetrics.transactionAborted(2, true);
    writerMetrics.transactionAborted(2, false);
    writerMetrics.fenced(2);
    trackPartitions(() => 4, () => 8);
    expect(await value('writer_transaction_duration_seconds', { partition: '2' })).toBeGreaterThan(0);
    const commands = ((await register.getSingleMetric('writer_transaction_commands')?.get())?.values ?? []) as { metricName?: string; value: number }[];
    expect(commands.find((v) => v.metricName === 'writer_transaction_commands_sum')?.value).toBe(3);
    expect(await value('writer_transaction_aborts_total', { reason: 'fenced' })).toBe(1);
    expect(await value('writer_transaction_aborts_total', { reason: 'error' })).toBe(1);
    expect(await value('writer_fencings_total')).toBe(1);
    expect(await value('writer_partitions_owned')).toBe(4);
    expect(await value('writer_partitions_standby')).toBe(8);
  });
});
