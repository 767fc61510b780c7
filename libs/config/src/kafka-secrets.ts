import { readFileSync } from 'node:fs';
import { ConfigError, Env, optionalStr } from './env-parsers';

/** PEM contents (not paths), as kafkajs' `ssl: { ca, cert, key }` takes them. */
export interface KafkaTls {
  readonly ca?: string;
  readonly cert?: string;
  readonly key?: string;
}

function readSecretFile(name: string, path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    throw new ConfigError(name, 'a readable file', `${path} (${(error as NodeJS.ErrnoException).code ?? 'unreadable'})`);
  }
}

/**
 * A secret given either inline or as a file (`<NAME>_FILE`, the Docker/Kubernetes secrets
 * convention): a file keeps the secret out of the process environment. Exactly one is required.
 */
export function secretOrFile(env: Env, name: string, fileName: string): string {
  const inline = optionalStr(env, name);
  const file = optionalStr(env, fileName);
  if (inline !== undefined && file !== undefined) throw new ConfigError(fileName, `to be unset when ${name} is set (one source for a secret)`, file);
  if (file !== undefined) {
    const value = readSecretFile(fileName, file).trim();
    if (value === '') throw new ConfigError(fileName, 'a file holding a non-empty secret', file);
    return value;
  }
  if (inline === undefined) throw new ConfigError(name, `a non-empty value (or ${fileName})`, env[name]);
  return inline;
}

/** TLS to the brokers with a private CA and/or a client certificate (mutual TLS). */
export function loadKafkaTls(env: Env): KafkaTls | undefined {
  const ca = optionalStr(env, 'KAFKA_SSL_CA_FILE');
  const cert = optionalStr(env, 'KAFKA_SSL_CERT_FILE');
  const key = optionalStr(env, 'KAFKA_SSL_KEY_FILE');
  if (cert !== undefined && key === undefined) throw new ConfigError('KAFKA_SSL_KEY_FILE', 'a private key file with KAFKA_SSL_CERT_FILE', undefined);
  if (key !== undefined && cert === undefined) throw new ConfigError('KAFKA_SSL_CERT_FILE', 'a certificate file with KAFKA_SSL_KEY_FILE', undefined);
  if (ca === undefined && cert === undefined) return undefined;
  return {
    ...(ca !== undefined ? { ca: pem('KAFKA_SSL_CA_FILE', ca, 'CERTIFICATE') } : {}),
    ...(cert !== undefined ? { cert: pem('KAFKA_SSL_CERT_FILE', cert, 'CERTIFICATE') } : {}),
    ...(key !== undefined ? { key: pem('KAFKA_SSL_KEY_FILE', key, 'PRIVATE KEY') } : {}),
  };
}

function pem(name: string, path: string, kind: string): string {
  const text = readSecretFile(name, path);
  if (!text.includes(`-----BEGIN `) || !text.includes(kind)) throw new ConfigError(name, `a PEM file with a ${kind}`, path);
  return text;
}
