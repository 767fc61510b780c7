import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { clusterNodePorts, ensureKafkaCluster } from './kafka-cluster';

/** What is refused before any JVM starts; the cluster itself runs in test/broker-loss.cluster-spec.ts. */
describe('ensureKafkaCluster, before starting anything', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'kafka-cluster-spec-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const formatNode = (id: number, clusterId: string) => {
    mkdirSync(join(dir, `node-${id}`, 'data'), { recursive: true });
    writeFileSync(join(dir, `node-${id}`, 'data', 'meta.properties'), `node.id=${id}\ncluster.id=${clusterId}\nversion=1\n`);
  };

  it('gives node i the client port base+2(i-1) and the controller port after it', () => {
    expect([1, 2, 3].map((id) => clusterNodePorts(9192, id))).toEqual([
      { port: 9192, controllerPort: 9193 }, { port: 9194, controllerPort: 9195 }, { port: 9196, controllerPort: 9197 },
    ]);
  });

  it.each([1, 10, 2.5])('refuses %p nodes', async (size) => {
    await expect(ensureKafkaCluster({ size, basePort: 1, dataDir: dir })).rejects.toMatchObject({ code: 'KAFKA_START_FAILED', message: expect.stringMatching(/2 to 9 nodes/) });
  });

  it('refuses to start a directory made for another number of nodes (the quorum is fixed at format time)', async () => {
    writeFileSync(join(dir, 'cluster-size'), '3\n');
    await expect(ensureKafkaCluster({ size: 5, basePort: 1, dataDir: dir })).rejects.toThrow(/holds a cluster of 3 nodes, not 5: start it with --brokers 3/);
  });

  it('refuses nodes formatted for different clusters', async () => {
    formatNode(1, 'AAAAAAAAAAAAAAAAAAAAAA');
    formatNode(2, 'BBBBBBBBBBBBBBBBBBBBBB');
    await expect(ensureKafkaCluster({ size: 3, basePort: 1, dataDir: dir })).rejects.toThrow(/formatted for different clusters \(AAAAAAAAAAAAAAAAAAAAAA, BBBBBBBBBBBBBBBBBBBBBB\)/);
  });
});
