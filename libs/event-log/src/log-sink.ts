/**
 * Where the Kafka adapter's own lines go. The adapter stays framework-free: a Nest `Logger`
 * fits this shape, and so does `console`.
 */
export interface LogSink {
  log(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}
