// The emulator's own controls (DESIGN.md "Control API"), shared by the library handle, the
// HTTPS control routes and the CLI: the clock, seed fragments, flushing, and a look into
// mailboxes. Clock state and applied seeds are remembered in the store's meta table.
import { createHash } from 'node:crypto';
import type { Clock, ClockState } from './clock.js';
import type { Limits } from './config.js';
import type { MailStore } from './mail/store.js';
import type { JobReport } from './programme/jobs.js';
import type { Programme } from './programme/programme.js';
import type { SignInWriter } from './signins/writer.js';
import type { Sql } from './store/sql.js';
import type { Directory } from './tenants/directory.js';
import { ORG_DEFAULTS, type OrgSettings } from './tenants/model.js';
import { applySeed, type SeedSummary } from './tenants/seed.js';
import { parseSeed } from './tenants/seed-schema.js';

export async function getMeta<T>(sql: Sql, key: string): Promise<T | undefined> {
  const rows = await sql.query<{ value: T }>('select value from meta where key = $1', [key]);
  return rows[0]?.value;
}

export async function setMeta(sql: Sql, key: string, value: unknown): Promise<void> {
  await sql.query('insert into meta (key, value) values ($1, $2) on conflict (key) do update set value = excluded.value', [key, JSON.stringify(value)]);
}

export interface ControlDeps {
  sql: Sql;
  clock: Clock;
  directory: Directory;
  mail: MailStore;
  signIns: SignInWriter;
  limits: Limits;
  /** The deprecation programme; its jobs follow the clock's jumps on their own (core/programme/jobs.ts). */
  programme: Programme;
}

/** Per-tenant state a reset clears besides settings (core/store/migrations). */
const RESET_TABLES = ['programme_messages', 'programme_issues', 'programme_disablements', 'programme_diagnostic_runs', 'usage_daily', 'usage_clients'] as const;

export class Control {
  constructor(readonly deps: ControlDeps) {
    // Every jump is remembered, so a restart resumes the emulated calendar where it was.
    deps.clock.onJump(() => this.saveClock());
  }

  saveClock(): Promise<void> {
    return setMeta(this.deps.sql, 'clock', this.deps.clock.state() satisfies ClockState);
  }

  now(): string {
    return this.deps.clock.date().toISOString();
  }

  /**
   * `{ set: ISO }` or `{ advance: "30d" | "1h" | seconds }`; due jobs run before it returns (the
   * programme's job listens to the clock's jumps, and a jump awaits its listeners).
   */
  async moveClock(body: { set?: string | number; advance?: string | number }): Promise<string> {
    if (body.set !== undefined) await this.deps.clock.set(body.set);
    else if (body.advance !== undefined) await this.deps.clock.advance(body.advance);
    else throw new RangeError('give "set" (an ISO date) or "advance" (e.g. "30d", "1h", or seconds)');
    return this.now();
  }

  /** Runs the programme's due jobs now (`POST /_exogate/jobs/run`) and says what they did. */
  async runJobs(): Promise<JobReport> {
    return this.deps.programme.jobs.runDue();
  }

  /**
   * Applies a seed fragment (YAML text or an object). Its settings take effect at `effectiveAt`
   * (default: now), which is how a test schedules a change in the future.
   */
  async seed(source: string | object, options: { effectiveAt?: string | number; fresh?: boolean; origin?: string; reset?: boolean } = {}): Promise<SeedSummary> {
    const parsed = parseSeed(source, options.origin);
    const now = this.deps.clock.now();
    const effectiveAt = options.fresh ? 0 : options.effectiveAt === undefined ? now : typeof options.effectiveAt === 'number' ? options.effectiveAt : Date.parse(options.effectiveAt);
    if (Number.isNaN(effectiveAt)) throw new RangeError(`effectiveAt is not a date: ${String(options.effectiveAt)}`);
    if (options.reset) await this.#reset((parsed.seed.tenants ?? []).map((t) => t.name), effectiveAt, now);
    const summary = await applySeed(parsed, this.deps, { effectiveAt, now, fresh: !!options.fresh, passwordHashCost: this.deps.limits.passwordHashCost });
    if (options.fresh && parsed.seed.clock != null) await this.deps.clock.set(parsed.seed.clock);
    return summary;
  }

  /**
   * Puts the named tenants back where a new tenant starts, so the fragment applied next describes
   * the organization whole: every organization setting to its default (effective-dated, so history
   * stays readable), the programme's notices, pending disablements and diagnostic runs, and the
   * Basic/OAuth usage history the job judges by. Users (with their roles and switches), apps,
   * mail and sign-in records stay; a fragment that names a user sets that user's fields as usual.
   */
  async #reset(names: readonly string[], effectiveAt: number, now: number): Promise<void> {
    const { directory, sql, signIns } = this.deps;
    const tenants = names.map((name) => directory.tenant(name)).filter((t) => t !== undefined);
    if (!tenants.length) return;
    // Usage still in the writer's memory belongs to the history being cleared.
    await signIns.flush();
    await directory.write(async (w) => {
      for (const tenant of tenants) {
        for (const key of Object.keys(ORG_DEFAULTS) as (keyof OrgSettings)[]) await w.setOrg(tenant, key, ORG_DEFAULTS[key] as never, effectiveAt, now);
        for (const table of RESET_TABLES) await w.tx.query(`delete from ${table} where tenant_id = $1`, [tenant.id]);
      }
    });
  }

  /** Applies a seed file's text once per distinct content, so restarts with the same --seed are free. */
  async seedOnce(text: string, origin: string, fresh: boolean): Promise<SeedSummary | null> {
    const digest = createHash('sha256').update(text).digest('hex');
    const applied = (await getMeta<string[]>(this.deps.sql, 'appliedSeeds')) ?? [];
    if (!fresh && applied.includes(digest)) return null;
    const summary = await this.seed(text, { fresh, origin });
    await setMeta(this.deps.sql, 'appliedSeeds', [...applied.slice(-49), digest]);
    return summary;
  }

  flush(): Promise<void> {
    return this.deps.signIns.flush();
  }

  async messages(upn: string, folder = 'INBOX') {
    const user = this.deps.directory.userByUpn(upn);
    if (!user) return undefined;
    return this.deps.mail.messages(user.id, folder);
  }
}
