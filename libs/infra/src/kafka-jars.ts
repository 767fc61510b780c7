import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { InfraError } from './infra-error';
import { KafkaDistribution } from './kafka-version';
import { runCommand } from './processes';

const STAMP = '.pom-sha256';
const ALTERNATIVES =
  'or set KAFKA_BROKERS to an existing Kafka cluster, or run `docker compose up` where Docker is available.';

/** Major version from `java -version` output: "1.8.0_392" → 8, "17.0.15" → 17, "21" → 21. */
export function parseJavaMajor(versionOutput: string): number | undefined {
  const match = /version "(\d+)(?:\.(\d+))?/.exec(versionOutput);
  if (!match) return undefined;
  const first = Number(match[1]);
  return first === 1 && match[2] ? Number(match[2]) : first;
}

export async function assertJava17(): Promise<void> {
  const { code, output } = await runCommand('java', ['-version']);
  const major = code === 0 ? parseJavaMajor(output) : undefined;
  if (major !== undefined && major >= 17) return;
  const found = major === undefined ? 'no working `java` on PATH' : `Java ${major}`;
  throw new InfraError(
    'PREREQUISITE_MISSING',
    `The local Kafka broker needs Java 17 or newer (found ${found}). ` +
      `Install a JDK/JRE 17+ (e.g. \`apt-get install openjdk-17-jre-headless\`), ${ALTERNATIVES}`,
  );
}

async function assertMaven(): Promise<void> {
  const { code } = await runCommand('mvn', ['-v']);
  if (code === 0) return;
  throw new InfraError(
    'PREREQUISITE_MISSING',
    'The local Kafka broker fetches its jars from Maven Central with Maven, but no working `mvn` is on PATH. ' +
      `Install Maven 3 (e.g. \`apt-get install maven\`), ${ALTERNATIVES}`,
  );
}

/**
 * The folder holding one Kafka version's jars (.local/kafka/lib-<version>), fetched once per
 * content of that line's POM. Jars land in a scratch folder that replaces the old one whole, so
 * a changed POM never leaves two versions on one classpath and an interrupted download is never
 * mistaken for a done one.
 */
export async function ensureKafkaJars(kafka: KafkaDistribution, log: (line: string) => void): Promise<string> {
  const hash = createHash('sha256').update(readFileSync(kafka.pom)).digest('hex');
  const libDir = kafka.libDir;
  if (readStamp(libDir) === hash) return libDir;

  await assertMaven();
  log(`Fetching the Kafka ${kafka.version} jars from Maven Central (first run only; can take a few minutes)...`);
  const started = Date.now();
  const scratch = `${libDir}.tmp-${process.pid}`;
  rmSync(scratch, { recursive: true, force: true });
  mkdirSync(dirname(libDir), { recursive: true });
  const args = ['-q', '-B', '-f', kafka.pom, 'dependency:copy-dependencies', `-DoutputDirectory=${scratch}`];
  const { code, output } = await runCommand('mvn', args);
  if (code !== 0) {
    rmSync(scratch, { recursive: true, force: true });
    const tail = output.trimEnd().split('\n').slice(-30).join('\n');
    throw new InfraError('JAR_FETCH_FAILED', `mvn ${args.join(' ')} failed (exit ${code}):\n${tail}`);
  }
  writeFileSync(join(scratch, STAMP), hash);
  swapInto(scratch, libDir, hash);
  log(`Kafka ${kafka.version} jars ready in ${((Date.now() - started) / 1000).toFixed(1)}s at ${libDir}`);
  return libDir;
}

function readStamp(libDir: string): string | undefined {
  const stamp = join(libDir, STAMP);
  return existsSync(stamp) ? readFileSync(stamp, 'utf8').trim() : undefined;
}

function swapInto(scratch: string, libDir: string, hash: string): void {
  try {
    rmSync(libDir, { recursive: true, force: true });
    renameSync(scratch, libDir);
  } catch (error) {
    // Another process fetching concurrently may have won the rename; its jars are as good.
    rmSync(scratch, { recursive: true, force: true });
    if (readStamp(libDir) !== hash) {
      throw new InfraError('JAR_FETCH_FAILED', `Could not install Kafka jars into ${libDir}: ${String(error)}`);
    }
  }
}
