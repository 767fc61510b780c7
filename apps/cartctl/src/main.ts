#!/usr/bin/env node
import { loadConfigOrExit } from '@carts/config';
import { databaseUnavailableReason } from '@carts/read-model';
import { CliContext, CommandFailed, UsageError, type Output } from './context';
import { consoleLink, consoleUsage } from './commands/console.command';
import { dlq, dlqUsage } from './commands/dlq.command';
import { events, eventsUsage } from './commands/events.command';
import { rebuild, rebuildUsage } from './commands/rebuild.command';
import { status, statusUsage } from './commands/status.command';
import { ProgressBar } from './progress-bar';
import { token, tokenUsage } from './commands/token.command';

type Command = (ctx: CliContext, argv: string[]) => Promise<number>;

const COMMANDS: Record<string, Command> = { status, rebuild, events, dlq };

const USAGE = ['usage: npm run cartctl -- <command>', '', ...[statusUsage, rebuildUsage, eventsUsage, ...dlqUsage, tokenUsage, consoleUsage].map((u) => `  ${u}`), '',
  'Configuration comes from the same environment variables as the services (DATABASE_URL, KAFKA_BROKERS, KAFKA_TOPIC_PREFIX, ...);',
  'with least-privilege roles, DATABASE_URL is the writer role and DATABASE_OWNER_URL the owner (rebuild drops old generations with it).'].join('\n');

const output: Output = {
  line: (text = '') => void process.stdout.write(`${text}\n`),
  note: (text) => void process.stderr.write(`${text}\n`),
  progress: (label) => new ProgressBar(process.stderr, label),
};

/** The operator CLI: thin — each command is one file over the read-model and event-log libraries. */
async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === 'help' || name === '--help' || name === '-h') {
    output.line(USAGE);
    return name ? 0 : 2;
  }
  // Needs no broker or database: only the development key.
  if (name === 'token' || name === 'console') {
    try {
      return await (name === 'token' ? token : consoleLink)(rest, output);
    } catch (error) {
      output.note(error instanceof UsageError ? `${error.message}\n\n${USAGE}` : `cartctl ${name}: ${(error as Error)?.message ?? error}`);
      return error instanceof UsageError ? 2 : 1;
    }
  }
  const command = COMMANDS[name];
  if (!command) {
    output.note(`unknown command "${name}"\n\n${USAGE}`);
    return 2;
  }
  const ctx = new CliContext(loadConfigOrExit(), output);
  try {
    return await command(ctx, rest);
  } catch (error) {
    if (error instanceof UsageError) {
      output.note(`${error.message}\n\n${USAGE}`);
      return 2;
    }
    // An outage, not a bug: say what cannot be read and that it passes, without the driver's wording
    // alone. A CommandFailed is already our own sentence (the broker not answering, say): as it is.
    const unavailable = error instanceof CommandFailed ? null : databaseUnavailableReason(error);
    if (unavailable) output.note(`cartctl ${name}: PostgreSQL cannot be reached (${unavailable}): read models, projection health and dead letters are unreadable until it is back; services report it on /health/ready`);
    else output.note(`cartctl ${name}: ${error instanceof CommandFailed ? '' : 'failed: '}${(error as Error)?.message ?? error}`);
    return 1;
  } finally {
    await ctx.close();
  }
}

main(process.argv.slice(2)).then((code) => process.exit(code), (error) => {
  console.error(error);
  process.exit(1);
});
