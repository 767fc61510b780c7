// `node dist/bench/peers/emmett/main.js`: the Emmett peer as its own process (so the bench measures
// its CPU like our services'). PEER_DATABASE_URL: its own database (the bench creates and drops
// it); PEER_PORT: where it listens on 127.0.0.1. Prints "listening on <port>" once ready.
import { redactDatabaseUrl } from '@carts/infra';
import { cartEventStore, cartPeerServer } from './cart-peer';

const log = (line: string) => void process.stderr.write(`[emmett-peer] ${line}\n`);

async function main(): Promise<void> {
  const databaseUrl = process.env.PEER_DATABASE_URL;
  if (!databaseUrl) throw new Error('PEER_DATABASE_URL is required');
  const port = Number(process.env.PEER_PORT ?? 0);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`PEER_PORT must be a port number, got ${process.env.PEER_PORT}`);
  const store = cartEventStore(databaseUrl);
  // Emmett creates its schema on first use; doing it now keeps the first requests from racing it.
  await store.schema.migrate();
  const server = cartPeerServer(store, log);
  server.keepAliveTimeout = 65_000;
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  log(`listening on ${(server.address() as { port: number }).port} (database ${redactDatabaseUrl(databaseUrl)})`);
  const stop = () => {
    server.close();
    server.closeAllConnections();
    void store.close().finally(() => process.exit(0));
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

main().catch((error: Error) => {
  log(`failed to start: ${error.message}`);
  process.exit(1);
});
