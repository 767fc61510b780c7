import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureKafkaBroker, type KafkaBrokerHandle } from '@carts/infra';
import { freePort, ServiceProcess, waitFor } from '@carts/testing';
import { CartApi, correlation } from './support/cart-api';
import { byCart, isolatedPrefix, provision, readAllEvents, versionViolations } from './support/event-log';

/**
 * The broker goes away under a running command service. This file starts its OWN broker on
 * free ports (the shared one on 9092 serves other tests and engineers) and stops it.
 */
const PREFIX = isolatedPrefix('outage');
const TIMEOUT_MS = 3000;
/**
 * What the 503 may take beyond the deadline: the event loop of a service on a busy 2-core box.
 * Without the deadline, kafkajs' retries (8, up to 2 s apart, each reconnect up to 3 s) would
 * hold the request for tens of seconds, so this still tells the two apart.
 */
const DEADLINE_SLACK_MS = 2000;
const report = (line: string) => process.stderr.write(`[broker-outage] ${line}\n`);

describe('broker stopped and restarted under a running command service', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'carts-outage-broker-'));
  const log = (line: string) => report(line);
  let ports: { port: number; controllerPort: number };
  let brokers: string;
  let broker: KafkaBrokerHandle | undefined;
  let service: ServiceProcess | undefined;
  const startBroker = () => ensureKafkaBroker({ ...ports, dataDir, log, heapMb: 384 });

  beforeAll(async () => {
    ports = { port: await freePort(), controllerPort: await freePort() };
    brokers = `127.0.0.1:${ports.port}`;
    broker = await startBroker();
    expect(broker.startedHere).toBe(true); // never stop a broker someone else started
    await provision(PREFIX, brokers);
    service = await ServiceProcess.start('command-service', {
      KAFKA_BROKERS: brokers, KAFKA_TOPIC_PREFIX: PREFIX, COMMAND_TIMEOUT_MS: String(TIMEOUT_MS), COMMAND_SESSION_TIMEOUT_MS: '6000',
    });
  }, 180_000);

  afterAll(async () => {
    await service?.stop();
    await broker?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('answers 503 with Retry-After within the timeout while the broker is down, then recovers without a restart', async () => {
    const api = new CartApi(service!.url);
    const cartId = await api.newCart();
    expect((await api.confirmed((headers) => api.addItem(cartId, undefined, headers))).status).toBe(200);

    await broker!.stop();
    const refused: string[] = [];
    for (let i = 0; i < 3; i++) {
      const headers = correlation();
      const started = Date.now();
      const r = await api.addItem(cartId, undefined, headers);
      const elapsed = Date.now() - started;
      expect(r.status).toBe(503);
      expect(r.headers.get('retry-after')).toMatch(/^\d+$/);
      expect(r.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      expect(r.body).toMatchObject({ type: 'urn:carts:problem:service-unavailable', status: 503 });
      expect(elapsed).toBeLessThanOrEqual(TIMEOUT_MS + DEADLINE_SLACK_MS);
      refused.push(headers['x-correlation-id']);
      report(`503 after ${elapsed} ms: ${(r.body as unknown as { detail: string }).detail}`);
    }

    const restarted = Date.now();
    broker = await startBroker();
    const recovered = await waitFor(() => api.addItem(cartId), (r) => r.status === 200, { timeoutMs: 90_000, intervalMs: 500, what: 'a 200 once the broker is back' }).catch((error: Error) => {
      // What the service said since the restart: why it did not recover, in the report.
      for (const line of service!.logLines().filter((l) => l.level !== 'info' && Date.parse(l.time) >= restarted).slice(-60)) {
        const { time, level, msg, context, service: _service, pid: _pid, ...fields } = line;
        report(`  +${Date.parse(time) - restarted} ms ${level} ${String(context ?? '')}: ${msg.slice(0, 300)} ${JSON.stringify(fields).slice(0, 400)}`);
      }
      throw error;
    });
    report(`recovered ${Date.now() - restarted} ms after the broker restart began (same pid ${service!.pid})`);
    expect(service!.child.exitCode).toBeNull();

    const events = await readAllEvents(PREFIX, brokers);
    expect(versionViolations(events)).toEqual([]);
    const cart = byCart(events).get(cartId)!;
    expect(cart.at(-1)!.version).toBe(recovered.body.version);
    // A command answered 503 appends nothing, not even once the broker is back.
    expect(cart.filter((e) => refused.includes(e.correlationId))).toEqual([]);
  });
});
