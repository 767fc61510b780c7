/** One line of a service's log (docs/observability.md, Logs). */
export interface LogLine {
  readonly level: string;
  readonly time: string;
  readonly service: string;
  readonly msg: string;
  readonly [field: string]: unknown;
}

/**
 * Every line of a service's output as the JSON object it must be: a line that is not JSON fails
 * with the line itself, so the report shows what printed it.
 */
export function logLines(output: string): LogLine[] {
  return output.split('\n').filter((line) => line.trim() !== '').map((line) => {
    try {
      return JSON.parse(line) as LogLine;
    } catch {
      throw new Error(`not a JSON log line: ${line.slice(0, 500)}`);
    }
  });
}
