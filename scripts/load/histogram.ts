// Latencies kept in log-spaced buckets (each 2% wider than the last), so a run of any length
// holds a fixed ~900 counters instead of every sample, and percentiles are good to 2%.
const RATIO = 1.02;
const LOG_RATIO = Math.log(RATIO);
/** The lowest bucket's upper bound, in milliseconds; anything faster counts there. */
const FLOOR_MS = 0.01;
/** Ten minutes: anything slower counts in the last bucket. */
const BUCKETS = Math.ceil(Math.log(600_000 / FLOOR_MS) / LOG_RATIO) + 1;

export interface LatencySummary {
  p50: number;
  p90: number;
  p99: number;
  max: number;
  mean: number;
}

export class LatencyHistogram {
  readonly counts = new Uint32Array(BUCKETS);
  count = 0;
  sum = 0;
  max = 0;

  record(ms: number): void {
    const i = ms <= FLOOR_MS ? 0 : Math.min(BUCKETS - 1, Math.ceil(Math.log(ms / FLOOR_MS) / LOG_RATIO));
    this.counts[i]++;
    this.count++;
    this.sum += ms;
    if (ms > this.max) this.max = ms;
  }

  add(other: LatencyHistogram): void {
    for (let i = 0; i < BUCKETS; i++) this.counts[i] += other.counts[i];
    this.count += other.count;
    this.sum += other.sum;
    if (other.max > this.max) this.max = other.max;
  }

  /** The upper bound of the bucket holding the p-th percentile (never above the slowest seen). */
  percentile(p: number): number {
    if (!this.count) return 0;
    const rank = Math.max(1, Math.ceil((p / 100) * this.count));
    let seen = 0;
    for (let i = 0; i < BUCKETS; i++) {
      seen += this.counts[i];
      if (seen >= rank) return Math.min(this.max, upperBound(i));
    }
    return this.max;
  }

  summary(): LatencySummary {
    return { p50: this.percentile(50), p90: this.percentile(90), p99: this.percentile(99), max: this.max, mean: this.count ? this.sum / this.count : 0 };
  }

  /** Non-empty buckets as [upper bound ms, count] pairs: what a report draws. */
  buckets(): [number, number][] {
    const out: [number, number][] = [];
    for (let i = 0; i < BUCKETS; i++) if (this.counts[i]) out.push([round(upperBound(i)), this.counts[i]]);
    return out;
  }

  reset(): void {
    this.counts.fill(0);
    this.count = 0;
    this.sum = 0;
    this.max = 0;
  }
}

const upperBound = (i: number) => FLOOR_MS * RATIO ** i;
const round = (ms: number) => Math.round(ms * 1000) / 1000;
