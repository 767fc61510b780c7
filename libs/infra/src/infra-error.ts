/**
 * Why a launcher failed, as a stable code callers (global test set-up, the dev stack, the CLI)
 * can branch on; the message says what to do about it.
 */
export type InfraErrorCode =
  | 'PREREQUISITE_MISSING'
  | 'JAR_FETCH_FAILED'
  | 'KAFKA_FORMAT_FAILED'
  | 'KAFKA_START_FAILED'
  | 'KAFKA_NOT_OWNED'
  | 'KAFKA_VERSION_UNSUPPORTED'
  | 'KAFKA_VERSION_MISMATCH'
  | 'LOCK_TIMEOUT'
  | 'POSTGRES_START_FAILED'
  | 'INVALID_DATABASE_URL';

export class InfraError extends Error {
  override readonly name = 'InfraError';

  constructor(
    readonly code: InfraErrorCode,
    message: string,
  ) {
    super(message);
  }
}
