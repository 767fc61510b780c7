import { parseArgs as parseNodeArgs, type ParseArgsConfig } from 'node:util';
import { UsageError } from './context';

export interface ParsedArgs {
  readonly positional: string[];
  readonly flags: Map<string, string | true>;
}

/**
 * `--name value`, `--name=value` and bare `--flag`, through Node's own `util.parseArgs` (strict:
 * an unknown option, a missing value or a flag given a value is a usage error); the allowed names
 * are per command.
 */
export function parseArgs(argv: readonly string[], valued: readonly string[] = [], bare: readonly string[] = []): ParsedArgs {
  const options: ParseArgsConfig['options'] = Object.fromEntries([
    ...valued.map((name) => [name, { type: 'string' as const }]),
    ...bare.map((name) => [name, { type: 'boolean' as const }]),
  ]);
  try {
    const { values, positionals } = parseNodeArgs({ args: [...argv], options, strict: true, allowPositionals: true });
    const flags = new Map<string, string | true>();
    for (const [name, value] of Object.entries(values)) if (value !== undefined && value !== false) flags.set(name, value as string | true);
    return { positional: positionals, flags };
  } catch (error) {
    throw new UsageError((error as Error).message.split('\n')[0]);
  }
}

export function positiveSeconds(flags: ParsedArgs['flags'], name: string, fallback: number): number {
  const raw = flags.get(name);
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (raw === true || !Number.isFinite(value) || value <= 0) throw new UsageError(`--${name} must be a number of seconds`);
  return value;
}
