// The load runner: keeps `concurrency` sessions going for a duration (or a count), and records
// every session's latency and outcome by the exact text of the reply that decided it, so a
// run proves what the server said, not only that it answered. Memory stays bounded however
// long it runs: latencies go into histograms, error texts into a capped table, and the
// timeline holds one entry per second.
import { LatencyHistogram, type LatencySummary } from './histogram.js';

export interface SessionResult {
  /** The deciding reply line, with its variable bracket stripped so equal answers count together. */
  outcome: string;
}

export interface Scenario {
  name: string;
  /** Relative share of sessions (e.g. 70 and 30). */
  weight: number;
  /** Runs one session; `n` numbers this scenario's sessions from 0 (for user patterns). */
  session: (n: number) => Promise<SessionResult>;
}

export interface Tick {
  elapsedMs: number;
  sessions: number;
  errors: number;
  /** Sessions per second over the last interval. */
  rate: number;
  p50: number;
  p99: number;
}

export interface RunOptions {
  concurrency: number;
  durationMs?: number;
  count?: number;
  /** One kind of session... */
  session?: (n: number) => Promise<SessionResult>;
  /** ...or a weighted mix of several. */
  scenarios?: Scenario[];
  /** Called about once a second (a progress line). */
  onTick?: (tick: Tick) => void;
  /** Stops early when it resolves (e.g. Ctrl-C); the report covers what ran. */
  stop?: Promise<unknown>;
}

export interface TimelinePoint {
  /** Seconds since the start, at the end of this interval. */
  t: number;
  sessions: number;
  errors: number;
  p50: number;
  p99: number;
}

export interface ScenarioReport {
  name: string;
  weight: number;
  sessions: number;
  errors: number;
  latencyMs: LatencySummary;
  histogram: [number, number][];
  outcomes: Record<string, number>;
  errorKinds: Record<string, number>;
}

export interface RunReport {
  startedAt: string;
  concurrency: number;
  sessions: number;
  errors: number;
  durationMs: number;
  perSecond: number;
  latencyMs: LatencySummary;
  /** [bucket upper bound ms, sessions] for every non-empty bucket. */
  histogram: [number, number][];
  outcomes: Record<string, number>;
  errorKinds: Record<string, number>;
  errorSamples: string[];
  scenarios: ScenarioReport[];
  timeline: TimelinePoint[];
}

/** Distinct error texts kept per scenario; the rest count under one line. */
const MAX_ERROR_KINDS = 50;
const OTHER_ERRORS = '(other errors)';

/**
 * Exchange's error brackets carry the host, time and id, and a queued message's answer its
 * Message-ID: not part of what was said, so equal answers count together.
 */
export function normalizeReply(line: string): string {
  return line.replace(/ \[[^\]]*\]$/, ' [...]').replace(/<[^<>\s]+@[^<>\s]+>/g, '<...>');
}

/**
 * The order scenarios take turns in: smooth weighted round-robin, so that any stretch of
 * sessions holds the mix and a run of `count` sessions splits exactly by the weights.
 */
export function scenarioCycle(weights: number[]): number[] {
  const ints = weights.map((w) => Math.round(w * 1000));
  const g = ints.reduce((a, b) => gcd(a, b));
  const share = ints.map((w) => w / g);
  const total = share.reduce((a, b) => a + b, 0);
  const current = share.map(() => 0);
  const cycle: number[] = [];
  for (let k = 0; k < total; k++) {
    let best = 0;
    for (let i = 0; i < share.length; i++) {
      current[i] += share[i];
      if (current[i] > current[best]) best = i;
    }
    current[best] -= total;
    cycle.push(best);
  }
  return cycle;
}

function gcd(a: number, b: number): number {
  return b === 0 ? a : gcd(b, a % b);
}

class ScenarioState {
  readonly histogram = new LatencyHistogram();
  // Keyed by what a server said: no prototype, so a reply reading "constructor" is just a reply.
  readonly outcomes: Record<string, number> = Object.create(null) as Record<string, number>;
  readonly errorKinds: Record<string, number> = Object.create(null) as Record<string, number>;
  errorKindCount = 0;
  started = 0;
  errors = 0;
  constructor(readonly scenario: Scenario) {}

  error(message: string): void {
    this.errors++;
    let key = message;
    if (this.errorKinds[key] === undefined) {
      if (this.errorKindCount >= MAX_ERROR_KINDS) key = OTHER_ERRORS;
      else this.errorKindCount++;
    }
    this.errorKinds[key] = (this.errorKinds[key] ?? 0) + 1;
  }
}

export async function runLoad(options: RunOptions): Promise<RunReport> {
  const scenarios = options.scenarios ?? (options.session ? [{ name: 'sessions', weight: 1, session: options.session }] : []);
  if (!scenarios.length) throw new Error('runLoad needs a session or scenarios');
  if (scenarios.some((s) => !(s.weight > 0))) throw new Error('every scenario weight must be above 0');
  if (!(options.concurrency >= 1)) throw new Error('concurrency must be at least 1');
  const states = scenarios.map((s) => new ScenarioState(s));
  const cycle = scenarioCycle(scenarios.map((s) => s.weight));
  const errorSamples: string[] = [];
  const interval = new LatencyHistogram();
  const timeline: TimelinePoint[] = [];
  let next = 0;
  let finished = 0;
  let failed = 0;
  let stopped = false;
  const startedAt = new Date();
  const started = performance.now();
  const deadline = options.durationMs !== undefined ? started + options.durationMs : Infinity;
  const limit = options.count ?? (options.durationMs === undefined ? 1 : Infinity);
  void options.stop?.then(() => (stopped = true));

  let lastTick = started;
  let tickSessions = 0;
  let tickErrors = 0;
  const tick = () => {
    const now = performance.now();
    const point: TimelinePoint = {
      t: Math.round((now - started) / 10) / 100,
      sessions: finished - tickSessions,
      errors: failed - tickErrors,
      p50: round(interval.percentile(50)),
      p99: round(interval.percentile(99)),
    };
    timeline.push(point);
    options.onTick?.({ elapsedMs: now - started, sessions: finished, errors: failed, rate: (point.sessions / (now - lastTick)) * 1000, p50: point.p50, p99: point.p99 });
    lastTick = now;
    tickSessions = finished;
    tickErrors = failed;
    interval.reset();
  };
  const timer = setInterval(tick, 1000);

  const worker = async () => {
    while (!stopped && performance.now() < deadline && next < limit) {
      const n = next++;
      const state = states[cycle[n % cycle.length]];
      const local = state.started++;
      const t0 = performance.now();
      try {
        const result = await state.scenario.session(local);
        const ms = performance.now() - t0;
        state.histogram.record(ms);
        interval.record(ms);
        state.outcomes[result.outcome] = (state.outcomes[result.outcome] ?? 0) + 1;
        finished++;
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        state.error(message);
        failed++;
        if (errorSamples.length < 5) errorSamples.push(message);
      }
    }
  };
  try {
    await Promise.all(Array.from({ length: options.concurrency }, worker));
  } finally {
    clearInterval(timer);
  }
  if (finished + failed > tickSessions + tickErrors) tick();
  const durationMs = performance.now() - started;

  const all = new LatencyHistogram();
  const outcomes: Record<string, number> = Object.create(null) as Record<string, number>;
  const errorKinds: Record<string, number> = Object.create(null) as Record<string, number>;
  for (const s of states) {
    all.add(s.histogram);
    for (const [k, v] of Object.entries(s.outcomes)) outcomes[k] = (outcomes[k] ?? 0) + v;
    for (const [k, v] of Object.entries(s.errorKinds)) errorKinds[k] = (errorKinds[k] ?? 0) + v;
  }
  return {
    startedAt: startedAt.toISOString(),
    concurrency: options.concurrency,
    sessions: finished,
    errors: failed,
    durationMs,
    perSecond: (finished / durationMs) * 1000,
    latencyMs: all.summary(),
    histogram: all.buckets(),
    outcomes,
    errorKinds,
    errorSamples,
    scenarios: states.map((s) => ({
      name: s.scenario.name,
      weight: s.scenario.weight,
      sessions: s.histogram.count,
      errors: s.errors,
      latencyMs: s.histogram.summary(),
      histogram: s.histogram.buckets(),
      outcomes: s.outcomes,
      errorKinds: s.errorKinds,
    })),
    timeline,
  };
}

const round = (ms: number) => Math.round(ms * 100) / 100;
