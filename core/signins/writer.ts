// Sign-in records and usage counters are written off the hot path: a decision only appends a
// compact record to memory, and a flush writes batches (one COPY or unnest per batch) at least
// every `signInFlushIntervalMs` or once `signInFlushBatch` records wait (DESIGN.md "The decision
// pipeline"). Usage counters add up in memory and are upserted every `usageFlushIntervalMs`:
// their rows are per user, so writing them as often as records would cost the store a row per
// signed-in user every quarter second. flush() and close() write both, so a clean shutdown and
// the control API's flush lose nothing.
import type { Logger } from 'pino';
import type { Limits } from '../config.js';
import type { ProtocolId } from '../protocols.js';
import type { Sql } from '../store/sql.js';
import { SIGNIN_COLUMNS, toRow, type SignInRecord } from './record.js';

const ROWS_PER_STATEMENT = 1000;
/** Rows per COPY (or unnest) of sign-in records. */
const SIGNINS_PER_BATCH = 10_000;
const DAY_MS = 86_400_000;

export type AuthKind = 'basic' | 'oauth';

interface UsageCount {
  tenantId: string;
  protocol: ProtocolId;
  day: string;
  kind: AuthKind;
  successes: number;
}

interface ClientCount {
  tenantId: string;
  protocol: ProtocolId;
  day: string;
  userId: string;
  client: string;
  successes: number;
  lastSeen: number;
}

/** One tenant's counts for one protocol and day; nested maps keep the hot path free of key strings. */
interface ProtocolUsage {
  basic: UsageCount;
  oauth: UsageCount;
  /** userId → client → count (Basic only: the report administrators asked for) */
  clients: Map<string, Map<string, ClientCount>>;
}

export class SignInWriter {
  #queue: SignInRecord[] = [];
  /** The UTC day of the last count, cached: most counts fall on the same day. */
  #day = { start: 0, end: 0, text: '' };
  #flushInFlight = false;
  /** day → tenant → protocol → counts */
  #usage = new Map<string, Map<string, Map<ProtocolId, ProtocolUsage>>>();
  #timer: NodeJS.Timeout | null = null;
  #usageTimer: NodeJS.Timeout | null = null;
  #flushing: Promise<void> = Promise.resolve();
  #closed = false;
  readonly stats = { recorded: 0, written: 0, dropped: 0, flushes: 0, failedFlushes: 0 };

  constructor(
    readonly sql: Sql,
    readonly limits: Pick<Limits, 'signInFlushIntervalMs' | 'signInFlushBatch' | 'signInQueueMax' | 'usageFlushIntervalMs'>,
    readonly log?: Logger,
  ) {}

  record(row: SignInRecord): void {
    if (this.#queue.length >= this.limits.signInQueueMax) {
      this.stats.dropped++;
      if (this.stats.dropped === 1 || this.stats.dropped % 10000 === 0) this.log?.error({ dropped: this.stats.dropped }, 'sign-in queue full; records dropped');
      return;
    }
    this.stats.recorded++;
    this.#queue.push(row);
    if (this.#queue.length >= this.limits.signInFlushBatch) {
      if (!this.#flushInFlight) this.#background();
    } else this.#schedule();
  }

  /** Counts a successful sign-in toward the programme's usage (Basic or OAuth, per day). */
  countUsage(tenantId: string, protocol: ProtocolId, kind: AuthKind, at: number, userId?: string, client?: string): void {
    if (at < this.#day.start || at >= this.#day.end) {
      const start = at - (at % DAY_MS);
      this.#day = { start, end: start + DAY_MS, text: new Date(start).toISOString().slice(0, 10) };
    }
    const day = this.#day.text;
    const usage = this.#entry(day, tenantId, protocol);
    usage[kind].successes++;
    if (kind === 'basic' && userId) {
      const clientName = client || 'unknown';
      let perUser = usage.clients.get(userId);
      if (!perUser) usage.clients.set(userId, (perUser = new Map()));
      const c = perUser.get(clientName);
      if (c) {
        c.successes++;
        c.lastSeen = at;
      } else perUser.set(clientName, { tenantId, protocol, day, userId, client: clientName, successes: 1, lastSeen: at });
    }
    this.#scheduleUsage();
  }

  #entry(day: string, tenantId: string, protocol: ProtocolId): ProtocolUsage {
    let tenants = this.#usage.get(day);
    if (!tenants) this.#usage.set(day, (tenants = new Map()));
    let protocols = tenants.get(tenantId);
    if (!protocols) tenants.set(tenantId, (protocols = new Map()));
    let usage = protocols.get(protocol);
    if (!usage) {
      const zero = (kind: AuthKind): UsageCount => ({ tenantId, protocol, day, kind, successes: 0 });
      protocols.set(protocol, (usage = { basic: zero('basic'), oauth: zero('oauth'), clients: new Map() }));
    }
    return usage;
  }

  /** Takes the counts gathered so far. */
  #takeUsage(): { usage: UsageCount[]; clients: ClientCount[] } {
    const usage: UsageCount[] = [];
    const clients: ClientCount[] = [];
    for (const tenants of this.#usage.values()) {
      for (const protocols of tenants.values()) {
        for (const u of protocols.values()) {
          if (u.basic.successes) usage.push(u.basic);
          if (u.oauth.successes) usage.push(u.oauth);
          for (const perUser of u.clients.values()) clients.push(...perUser.values());
        }
      }
    }
    this.#usage = new Map();
    return { usage, clients };
  }

  /** Puts counts back after a failed write, adding to whatever was counted meanwhile. */
  #giveBack(usage: UsageCount[], clients: ClientCount[]): void {
    for (const u of usage) this.#entry(u.day, u.tenantId, u.protocol)[u.kind].successes += u.successes;
    for (const c of clients) {
      const entry = this.#entry(c.day, c.tenantId, c.protocol);
      let perUser = entry.clients.get(c.userId);
      if (!perUser) entry.clients.set(c.userId, (perUser = new Map()));
      const existing = perUser.get(c.client);
      if (existing) {
        existing.successes += c.successes;
        existing.lastSeen = Math.max(existing.lastSeen, c.lastSeen);
      } else perUser.set(c.client, c);
    }
  }

  get pending(): number {
    return this.#queue.length;
  }

  /** Writes everything queued and counted so far; resolves when it is in the store. */
  flush(): Promise<void> {
    return this.#flush(true);
  }

  #flush(withUsage: boolean): Promise<void> {
    if (this.#timer) {
      clearTimeout(this.#timer);
      this.#timer = null;
    }
    if (withUsage && this.#usageTimer) {
      clearTimeout(this.#usageTimer);
      this.#usageTimer = null;
    }
    // Chained on the previous flush's settlement, not its success: one failed flush (which
    // rejects only after close()) must not make every later flush reject with its error.
    this.#flushing = this.#flushing.catch(() => undefined).then(() => this.#write(withUsage));
    return this.#flushing;
  }

  /** A flush nobody awaits: its failure is logged by #write, never an unhandled rejection. */
  #background(withUsage = false): void {
    this.#flush(withUsage).catch(() => undefined);
  }

  async close(): Promise<void> {
    this.#closed = true;
    await this.flush();
  }

  #schedule(): void {
    if (this.#timer || this.#closed) return;
    this.#timer = setTimeout(() => {
      this.#timer = null;
      this.#background();
    }, this.limits.signInFlushIntervalMs);
    this.#timer.unref();
  }

  #scheduleUsage(): void {
    if (this.#usageTimer || this.#closed) return;
    this.#usageTimer = setTimeout(() => {
      this.#usageTimer = null;
      this.#background(true);
    }, this.limits.usageFlushIntervalMs);
    this.#usageTimer.unref();
  }

  async #write(withUsage: boolean): Promise<void> {
    this.#flushInFlight = true;
    try {
      await this.#writeBatch(withUsage);
    } finally {
      this.#flushInFlight = false;
    }
    // Records that arrived meanwhile beyond a batch get their own flush now, not at the timer.
    if (this.#queue.length >= this.limits.signInFlushBatch && !this.#closed) this.#background();
  }

  async #writeBatch(withUsage: boolean): Promise<void> {
    const rows = this.#queue;
    this.#queue = [];
    const { usage, clients } = withUsage ? this.#takeUsage() : { usage: [], clients: [] };
    if (!rows.length && !usage.length && !clients.length) return;
    try {
      await this.sql.transaction(async (tx) => {
        for (let i = 0; i < rows.length; i += SIGNINS_PER_BATCH) await tx.bulkInsert('signins', SIGNIN_COLUMNS, rows.slice(i, i + SIGNINS_PER_BATCH).map(toRow));
        for (let i = 0; i < usage.length; i += ROWS_PER_STATEMENT) await upsertUsage(tx, usage.slice(i, i + ROWS_PER_STATEMENT));
        for (let i = 0; i < clients.length; i += ROWS_PER_STATEMENT) await upsertClients(tx, clients.slice(i, i + ROWS_PER_STATEMENT));
      });
      this.stats.written += rows.length;
      this.stats.flushes++;
    } catch (error) {
      // Put the batch back in front so a passing store outage loses nothing.
      this.stats.failedFlushes++;
      this.#queue = rows.concat(this.#queue);
      // Merged, not set: sign-ins counted while this flush was in flight are already in the maps.
      this.#giveBack(usage, clients);
      this.log?.error({ err: error, pending: this.#queue.length }, 'sign-in flush failed; will retry');
      if (!this.#closed) {
        this.#schedule();
        if (withUsage) this.#scheduleUsage();
      }
      else throw error;
    }
  }
}

function placeholders(rowCount: number, columns: number): string {
  const rows: string[] = [];
  for (let r = 0; r < rowCount; r++) {
    const cells: string[] = [];
    for (let c = 1; c <= columns; c++) cells.push(`$${r * columns + c}`);
    rows.push(`(${cells.join(',')})`);
  }
  return rows.join(',');
}

async function upsertUsage(tx: Sql, usage: UsageCount[]): Promise<void> {
  const params: (string | number)[] = [];
  for (const u of usage) params.push(u.tenantId, u.protocol, u.day, u.kind, u.successes);
  await tx.query(
    `insert into usage_daily (tenant_id, protocol, day, auth_kind, successes) values ${placeholders(usage.length, 5)}
     on conflict (tenant_id, protocol, day, auth_kind) do update set successes = usage_daily.successes + excluded.successes`,
    params,
  );
}

async function upsertClients(tx: Sql, clients: ClientCount[]): Promise<void> {
  const params: (string | number | Date)[] = [];
  for (const c of clients) params.push(c.tenantId, c.protocol, c.day, c.userId, c.client, c.successes, new Date(c.lastSeen));
  await tx.query(
    `insert into usage_clients (tenant_id, protocol, day, user_id, client, successes, last_seen) values ${placeholders(clients.length, 7)}
     on conflict (tenant_id, protocol, day, user_id, client) do update
       set successes = usage_clients.successes + excluded.successes, last_seen = greatest(usage_clients.last_seen, excluded.last_seen)`,
    params,
  );
}
