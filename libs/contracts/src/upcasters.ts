/**
 * Upcasters turn an older stored shape into the current one on read, so the log never needs
 * rewriting and projections only know today's events. Keyed by type and the version they read.
 */
type RawData = Record<string, unknown>;
type Upcaster = (data: RawData) => RawData;

const UPCASTERS: Readonly<Record<string, Readonly<Record<number, Upcaster>>>> = {
  // CartCreated v1 carried the customer as `customer`; v2 renamed it to `customerId`.
  CartCreated: {
    1: ({ customer, ...rest }) => ({ ...rest, customerId: customer }),
  },
};

export function upcast(type: string, schemaVersion: number, data: RawData, target: number): RawData {
  let current = data;
  for (let version = schemaVersion; version < target; version++) {
    const step = UPCASTERS[type]?.[version];
    if (!step) throw new Error(`no upcaster for ${type} v${version} -> v${version + 1}`);
    current = step(current);
  }
  return current;
}
