export const TEST_STATE = Symbol.for('carts.test-infra');

export interface TestInfra {
  readonly run: string;
  databaseUrl?: string;
  readonly stops: Array<() => Promise<void>>;
}

/** Refuses to run destructive test code against a database that is not obviously a test one. */
export function assertTestDatabase(url = process.env.DATABASE_URL ?? ''): string {
  const name = new URL(url).pathname.slice(1);
  if (!name.includes('test')) throw new Error(`refusing to use database "${name}" in tests: its name must contain "test"`);
  return url;
}
