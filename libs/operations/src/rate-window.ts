interface Sample {
  readonly at: number;
  readonly done: number;
}

const WINDOW_MS = 5000;

/**
 * A rate over the last few seconds (not since the start: a rebuild speeds up and slows down), and
 * the ETA it implies. Shared by cartctl's progress bar and the console's rebuild view.
 */
export class RateWindow {
  private readonly samples: Sample[] = [];

  constructor(private readonly windowMs = WINDOW_MS) {}

  add(done: number, now = Date.now()): void {
    const last = this.samples[this.samples.length - 1];
    // A counter that went back (a rerun from offset 0) starts a new window.
    if (last && done < last.done) this.samples.length = 0;
    this.samples.push({ at: now, done });
    while (this.samples.length > 2 && now - this.samples[0].at > this.windowMs) this.samples.shift();
  }

  /** Per second, over the window. */
  rate(): number {
    const first = this.samples[0];
    const last = this.samples[this.samples.length - 1];
    if (!first || !last || last.at === first.at) return 0;
    return ((last.done - first.done) * 1000) / (last.at - first.at);
  }

  /** Seconds until `total` at the current rate; null while there is no rate to tell. */
  etaSeconds(total: number): number | null {
    const rate = this.rate();
    const last = this.samples[this.samples.length - 1];
    if (!last || rate <= 0) return null;
    return Math.max(0, (total - last.done) / rate);
  }
}
