import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { loadConfig } from '@carts/config';
import { clusterNodePorts } from '@carts/infra';
import { DEFAULT_CLUSTER_PORT } from '../tools/kafka-cluster-cli';

/** Examples are meant to run as pasted: every local URL in README and docs/ uses a default port. */
describe('local URLs in README.md and docs/', () => {
  const root = path.join(__dirname, '..');
  const files = ['README.md', ...readdirSync(path.join(root, 'docs')).filter((f) => f.endsWith('.md')).map((f) => path.join('docs', f))];
  const { http } = loadConfig({});
  // 9096: the secured local broker (npm start -- --secure), beside the plaintext 9092; the local
  // 3-broker cluster (npm run kafka -- start --brokers 3) listens on the three after DEFAULT_CLUSTER_PORT.
  // 4318 and 16686: OTLP/HTTP's standard port and Jaeger's UI (the local collector of docs/observability.md).
  const cluster = [1, 2, 3].map((id) => clusterNodePorts(DEFAULT_CLUSTER_PORT, id).port);
  const defaults = new Set([http.commandPort, http.queryPort, http.projectorPort, http.consolePort, 9092, 9093, 9096, ...cluster, 5432, 54329, 4318, 16686]);

  it.each(files)('%s uses only default ports', (file) => {
    const text = readFileSync(path.join(root, file), 'utf8');
    const ports = [...text.matchAll(/\b(?:localhost|127\.0\.0\.1):(\d+)/g)].map((m) => Number(m[1]));
    expect(ports.filter((p) => !defaults.has(p))).toEqual([]);
  });
});
