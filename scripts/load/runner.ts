// The load runner: keeps `concurrency` sessions going for a duration (or a count), and records
// every session's latency and outcome by the exact text of the reply that decided it, so a
// run proves what the server said, not only that it answered.

export interface SessionResult {
  /** The deciding reply line, with its variable bracket stripped so equal answers count together. */
  outcome: string;
}

export interface RunOptions {
  concurrency: number;
  durationMs?: number;
  count?: number;
  /** Runs one session; `n` numbers sessions from 0 (for user patterns). */
  session: (n: number) => Promise<SessionResult>;
}

export interface RunReport {
  sessions: number;
  errors: number;
  durationMs: number;
  perSecond: number;
  latencyMs: { p50: number; p90: number; p99: number; max: number };
  outcomes: Record<string, number>;
  errorSamples: string[];
}

/** Exchange's error brackets carry the host, time and id: not part of what was said. */
export function normalizeReply(line: string): string {
  return line.replace(/ \[[^\]]*\]$/, ' [...]');
}

function percentile(sorted: Float64Array, p: number): number {
  if (!sorted.length) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

export async function runLoad(options: RunOptions): Promise<RunReport> {
  const latencies: number[] = [];
  const outcomes: Record<string, number> = {};
  const errorSamples: string[] = [];
  let errors = 0;
  let next = 0;
  const started = performance.now();
  const deadline = options.durationMs !== undefined ? started + options.durationMs : Infinity;
  const limit = options.count ?? Infinity;

  const worker = async () => {
    while (performance.now() < deadline && next < limit) {
      const n = next++;
      const t0 = performance.now();
      try {
        const result = await options.session(n);
        latencies.push(performance.now() - t0);
        outcomes[result.outcome] = (outcomes[result.outcome] ?? 0) + 1;
      } catch (error) {
        errors++;
        if (errorSamples.length < 5) errorSamples.push(error instanceof Error ? error.message : String(error));
      }
    }
  };
  await Promise.all(Array.from({ length: options.concurrency }, worker));
  const durationMs = performance.now() - started;
  const sorted = Float64Array.from(latencies).sort();
  return {
    sessions: latencies.length,
    errors,
    durationMs,
    perSecond: (latencies.length / durationMs) * 1000,
    latencyMs: { p50: percentile(sorted, 50), p90: percentile(sorted, 90), p99: percentile(sorted, 99), max: sorted.length ? sorted[sorted.length - 1] : 0 },
    outcomes,
    errorSamples,
  };
}
