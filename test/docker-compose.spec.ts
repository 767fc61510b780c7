import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { parse } from 'yaml';
import { CONFIG_VARIABLES, loadConfig } from '@carts/config';
import { DEFAULT_KAFKA_LINE, lineVersions } from '../libs/infra/src/kafka-version';

/** docker-compose.yml cannot run here (no Docker engine), so keep it honest against the code. */
describe('docker-compose.yml', () => {
  // merge: the services extend the shared environment with their own database role (`<<: *service-env`).
  const compose = parse(readFileSync(path.join(__dirname, '..', 'docker-compose.yml'), 'utf8'), { merge: true });
  const services = compose.services as Record<string, { environment?: Record<string, string>; ports?: string[]; command?: string[]; image?: string }>;
  const apps = { 'command-service': 'COMMAND_SERVICE_PORT', 'query-service': 'QUERY_SERVICE_PORT', projector: 'PROJECTOR_PORT', console: 'CONSOLE_PORT' } as const;

  it('has Kafka (KRaft) of the version the local launcher runs and the tests prove, PostgreSQL, the three services and the operator console', () => {
    expect(Object.keys(services).sort()).toEqual(['command-service', 'console', 'kafka', 'postgres', 'projector', 'query-service']);
    expect(services.kafka.image).toBe(`apache/kafka:${lineVersions()[DEFAULT_KAFKA_LINE]}`);
    expect(services.kafka.environment?.KAFKA_PROCESS_ROLES).toBe('broker,controller');
  });

  it.each(Object.entries(apps))('%s uses only known variables that the configuration accepts', (name) => {
    const env = services[name].environment ?? {};
    for (const variable of Object.keys(env)) expect(CONFIG_VARIABLES).toContain(variable);
    expect(() => loadConfig(env)).not.toThrow();
  });

  it('gives each service its own PostgreSQL role: the projector writes (and migrates as the owner), the query service reads, the command service has none', () => {
    const userOf = (url?: string) => (url ? new URL(url).username : undefined);
    const env = (name: string) => services[name].environment ?? {};
    expect([userOf(env('projector').DATABASE_URL), userOf(env('projector').DATABASE_OWNER_URL)]).toEqual(['carts_writer', 'carts_owner']);
    expect([userOf(env('query-service').DATABASE_URL), env('query-service').DATABASE_OWNER_URL]).toEqual(['carts_reader', undefined]);
    expect(env('command-service').DATABASE_URL).toBeUndefined();
    expect([userOf(env('console').DATABASE_URL), userOf(env('console').DATABASE_OWNER_URL)]).toEqual(['carts_writer', 'carts_owner']);
    const script = readFileSync(path.join(__dirname, '..', 'infra/postgres/roles.sql'), 'utf8');
    for (const role of ['carts_owner', 'carts_writer', 'carts_reader']) expect(script).toContain(`ALTER ROLE ${role} PASSWORD`);
  });

  const listensOn = (name: keyof typeof apps, env: Record<string, string>) => {
    const { http } = loadConfig(env);
    return { 'command-service': http.commandPort, 'query-service': http.queryPort, projector: http.projectorPort, console: http.consolePort }[name];
  };

  it.each(Object.keys(apps) as (keyof typeof apps)[])('%s publishes the port it listens on (the same default as npm start) and runs its own entry point', (name) => {
    const port = listensOn(name, services[name].environment ?? {});
    expect(port).toBe(listensOn(name, {}));
    expect(services[name].ports).toEqual([`${port}:${port}`]);
    expect(services[name].command).toEqual(['node', `dist/apps/${name}/src/main.js`]);
  });
});
