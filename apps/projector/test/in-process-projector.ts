import { loadConfig } from '@carts/config';
import { createHttpApp } from '@carts/http';
import { freePort } from '@carts/testing';
import { ProjectionSupervisor, type ProjectorComposition } from '../src/projection-supervisor';
import { projectorModule } from '../src/projector.module';

export interface InProcessProjector {
  readonly url: string;
  close(): Promise<void>;
}

/**
 * A projector built the way main.ts builds it (same module, same supervisor, real Kafka and
 * PostgreSQL), composed with what a test needs — a projection with a bug, a failing sink, a short
 * backoff — instead of switches in production code. It runs inside the test process.
 */
export async function startProjectorInProcess(env: Record<string, string>, composition: ProjectorComposition): Promise<InProcessProjector> {
  const config = loadConfig({ ...process.env, ...env });
  const app = await createHttpApp(projectorModule(config, composition), { service: 'projector', logLevel: 'error', accessLog: false });
  app.connectMicroservice({ strategy: app.get(ProjectionSupervisor) }, { inheritAppConfig: true });
  await app.startAllMicroservices();
  const port = await freePort();
  await app.listen(port, '127.0.0.1');
  return { url: `http://127.0.0.1:${port}`, close: () => app.close() };
}
