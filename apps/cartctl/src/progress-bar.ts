import { duration, RateWindow, thousands, type ProgressSink } from '@carts/operations';

const NON_TTY_EVERY_MS = 2000;

/**
 * `[#########...........]  45% 9,000/20,000 records  52,300 records/s  ETA 00:01` (log records:
 * events, and the transaction markers between them). Redrawn in
 * place on a terminal; on a pipe (CI, logs) one line every 2 s, so a log is not flooded.
 */
export class ProgressBar implements ProgressSink {
  private readonly window = new RateWindow();
  private lastPrinted = 0;
  private lastText = '';
  private readonly started = Date.now();

  constructor(private readonly stream: NodeJS.WriteStream, private readonly label: string) {}

  update(done: number, total: number, now = Date.now()): void {
    this.window.add(done, now);
    const text = this.render(done, total);
    if (this.stream.isTTY) this.stream.write(`\r${text}\x1b[K`);
    else if (now - this.lastPrinted >= NON_TTY_EVERY_MS) {
      this.stream.write(`${text}\n`);
      this.lastPrinted = now;
      this.lastText = text;
    }
  }

  /** Events per second over the last few seconds. */
  rate(): number {
    return this.window.rate();
  }

  /** Average over the whole run, for the summary line (a rebuild always starts from offset 0). */
  averageRate(done: number): number {
    const seconds = (Date.now() - this.started) / 1000;
    return seconds > 0 ? done / seconds : 0;
  }

  finish(done: number, total: number): void {
    const text = this.render(done, total);
    if (this.stream.isTTY) this.stream.write(`\r${text}\x1b[K\n`);
    else if (text !== this.lastText) this.stream.write(`${text}\n`);
  }

  private render(done: number, total: number): string {
    const fraction = total === 0 ? 1 : Math.min(1, done / total);
    const width = 30;
    const filled = Math.round(fraction * width);
    const rate = this.rate();
    const eta = rate > 0 ? duration((total - done) / rate) : '--:--';
    const percent = `${Math.floor(fraction * 100)}%`.padStart(4);
    return `${this.label} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${percent} ${thousands(done)}/${thousands(total)} records  ${thousands(rate)} records/s  ETA ${eta}`;
  }
}
