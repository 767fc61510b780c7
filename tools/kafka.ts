/**
 * Local Kafka broker from the command line:
 *   node dist/tools/kafka.js start [--port N]   runs in the foreground until Ctrl-C, then stops it
 *   node dist/tools/kafka.js stop [--port N]    stops a broker started by `start` elsewhere
 *   node dist/tools/kafka.js status [--port N]  exit code 0 when a broker answers on the port
 * Imported relatively (not via @carts/infra) so the built file runs without alias rewriting.
 */
import { ensureKafkaBroker, isKafkaReady, KafkaBrokerHandle, stopKafkaBroker } from '../libs/infra/src';
import { isProcessAlive } from '../libs/infra/src/processes';
import { KAFKA_TOOLS, runKafkaTool } from './kafka-tools';

const USAGE = `usage: kafka start|stop|status [--port N]
       kafka ${Object.keys(KAFKA_TOOLS).join('|')} <the tool's own arguments>`;

function parsePort(args: string[]): number {
  const at = args.indexOf('--port');
  if (at === -1) return 9092;
  const port = Number(args[at + 1]);
  if (!Number.isInteger(port) || port <= 0 || port > 65535) throw new Error(`invalid --port: ${args[at + 1]}\n${USAGE}`);
  return port;
}

async function start(port: number): Promise<void> {
  const handle = await ensureKafkaBroker({ port, log: (line) => console.log(line) });
  if (!handle.startedHere) {
    console.log(`A broker already answers on ${handle.brokers[0]}; it is not managed by this command.`);
    return;
  }
  console.log(`Kafka broker running on ${handle.brokers.join(',')} (pid ${handle.pid}). Ctrl-C stops it.`);
  await runUntilSignal(handle);
}

/** Keeps the process alive (the broker child is unref'd) until a signal or the broker's death. */
function runUntilSignal(handle: KafkaBrokerHandle): Promise<void> {
  return new Promise((done) => {
    const watchdog = setInterval(() => {
      if (handle.pid !== undefined && !isProcessAlive(handle.pid)) {
        console.error('The Kafka broker exited (stopped elsewhere, or crashed: see logs/ in its data directory).');
        process.exitCode = 1;
        finish();
      }
    }, 2000);
    let finishing = false;
    const finish = (): void => {
      if (finishing) return;
      finishing = true;
      clearInterval(watchdog);
      console.log('Stopping the Kafka broker...');
      void handle.stop().then(done);
    };
    process.once('SIGINT', finish);
    process.once('SIGTERM', finish);
  });
}

async function main(argv: string[]): Promise<void> {
  const [command, ...rest] = argv;
  if (KAFKA_TOOLS[command]) {
    process.exitCode = await runKafkaTool(command, rest);
    return;
  }
  const port = parsePort(rest);
  switch (command) {
    case 'start':
      return start(port);
    case 'stop': {
      const stopped = await stopKafkaBroker({ port });
      console.log(stopped ? `Stopped the Kafka broker on port ${port}.` : `No broker started by us runs on port ${port}.`);
      return;
    }
    case 'status': {
      const ready = await isKafkaReady([`127.0.0.1:${port}`]);
      console.log(ready ? `Kafka is ready on 127.0.0.1:${port}.` : `No Kafka broker answers on 127.0.0.1:${port}.`);
      process.exitCode = ready ? 0 : 1;
      return;
    }
    default:
      console.error(USAGE);
      process.exitCode = 2;
  }
}

main(process.argv.slice(2)).catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
});
