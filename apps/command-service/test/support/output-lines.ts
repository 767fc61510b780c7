import type { ServiceProcess } from '@carts/testing';

/**
 * Every line of a service's output matching `pattern`, from now on. ServiceProcess.output keeps
 * only the last OUTPUT_KEPT characters: a line a test counts must not scroll out of it under load.
 */
export function collectLines(service: ServiceProcess, pattern: RegExp): string[] {
  const found: string[] = [];
  for (const stream of [service.child.stdout, service.child.stderr]) {
    let partial = '';
    stream?.on('data', (chunk: Buffer) => {
      const lines = (partial + chunk.toString()).split('\n');
      partial = lines.pop() ?? '';
      found.push(...lines.filter((line) => pattern.test(line)));
    });
  }
  return found;
}
