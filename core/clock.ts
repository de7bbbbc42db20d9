// The one emulated clock (DESIGN.md "Time"). Everything time-dependent reads `now()`:
// token expiry, lockout windows, notice periods, propagation delays, programme phases.
// It is real time plus an offset, or frozen at an instant. Listeners hear every jump so
// due jobs can run before the control API answers.

export type ClockListener = (now: number, previous: number) => void | Promise<void>;

export interface ClockState {
  /** Emulated minus real milliseconds, when running. */
  offsetMs: number;
  /** The instant the clock is frozen at, or null when it runs. */
  frozenAt: number | null;
}

export class Clock {
  #offsetMs = 0;
  #frozenAt: number | null = null;
  #listeners = new Set<ClockListener>();
  readonly #realNow: () => number;

  constructor(state?: Partial<ClockState>, realNow: () => number = Date.now) {
    this.#realNow = realNow;
    if (state?.offsetMs) this.#offsetMs = state.offsetMs;
    if (state?.frozenAt != null) this.#frozenAt = state.frozenAt;
  }

  now(): number {
    return this.#frozenAt ?? this.#realNow() + this.#offsetMs;
  }

  date(): Date {
    return new Date(this.now());
  }

  get frozen(): boolean {
    return this.#frozenAt !== null;
  }

  state(): ClockState {
    return { offsetMs: this.#offsetMs, frozenAt: this.#frozenAt };
  }

  /** Jump to an instant; the clock keeps running (or stays frozen) from there. */
  async set(to: number | Date | string): Promise<number> {
    const previous = this.now();
    const target = toMillis(to);
    if (this.#frozenAt !== null) this.#frozenAt = target;
    else this.#offsetMs = target - this.#realNow();
    return this.#announce(previous);
  }

  async advance(by: number | string): Promise<number> {
    const ms = typeof by === 'number' ? by * 1000 : parseDuration(by);
    if (ms < 0) throw new RangeError('the clock only moves forward with advance; use set to go back');
    return this.set(this.now() + ms);
  }

  freeze(at?: number | Date | string): void {
    this.#frozenAt = at === undefined ? this.now() : toMillis(at);
  }

  unfreeze(): void {
    if (this.#frozenAt === null) return;
    this.#offsetMs = this.#frozenAt - this.#realNow();
    this.#frozenAt = null;
  }

  onJump(listener: ClockListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  async #announce(previous: number): Promise<number> {
    const now = this.now();
    for (const listener of this.#listeners) await listener(now, previous);
    return now;
  }
}

export function toMillis(value: number | Date | string): number {
  if (typeof value === 'number') return value;
  const ms = value instanceof Date ? value.getTime() : Date.parse(value);
  if (Number.isNaN(ms)) throw new RangeError(`not a date: ${String(value)}`);
  return ms;
}

const UNIT_MS: Record<string, number> = {
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 604_800_000,
};

/** "30d", "1h", "90m", "1d12h", "45" (seconds) → milliseconds. */
export function parseDuration(text: string): number {
  const trimmed = text.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.round(Number(trimmed) * 1000);
  const re = /(\d+(?:\.\d+)?)(ms|s|m|h|d|w)/gy;
  let total = 0;
  let matched = 0;
  for (let m = re.exec(trimmed); m; m = re.exec(trimmed)) {
    total += Number(m[1]) * UNIT_MS[m[2]];
    matched = re.lastIndex;
  }
  if (matched === 0 || matched !== trimmed.length) throw new RangeError(`not a duration: "${text}" (use e.g. 30d, 1h, 90s)`);
  return Math.round(total);
}

/**
 * An effective-dated value (DESIGN.md "Time"): every change is stored with the instant it takes
 * effect, so "what was true at t" is a lookup, history is free, and a propagation delay is just
 * a later effectiveAt.
 */
export class Timeline<T> {
  // Sorted by `at`, then by insertion; most timelines hold one or two entries.
  readonly entries: { at: number; value: T }[] = [];

  set(value: T, at: number): void {
    let i = this.entries.length;
    while (i > 0 && this.entries[i - 1].at > at) i--;
    this.entries.splice(i, 0, { at, value });
  }

  at(t: number): T | undefined {
    const e = this.entries;
    for (let i = e.length - 1; i >= 0; i--) if (e[i].at <= t) return e[i].value;
    return undefined;
  }

  /** The first change strictly after t, if any: when a cached answer stops being true. */
  nextChangeAfter(t: number): number | undefined {
    for (const entry of this.entries) if (entry.at > t) return entry.at;
    return undefined;
  }
}
