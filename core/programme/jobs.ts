// The proactive disablement (reference §0, §7 "June 2021") as a job on the emulated clock.
// Each UTC midnight of the proactive-disablement phase (and the instant the clock stands on),
// every tenant that has existed for the look-back window is checked: the diagnostic's protocols
// with no Basic success over the window, not blocked, not opted out or re-enabled and not
// already announced, get one Message Center notice naming them and the date 30 days later.
// At that date the job looks again: a protocol used since the notice, or opted out, is spared;
// the rest go into BasicAuthBlockedApps (effective at the date), with a confirmation post and
// a Service Health advisory.
//
// Choices (the reference is silent; recorded for the issue):
// - "Random tenants": every eligible tenant is picked, for determinism. A tenant is kept out by
//   pinning its `phase` (seed or control API) to anything but proactive-disablement.
// - The job runs whenever the clock jumps (before the control API answers), every minute in
//   real time, and before the diagnostic answers. A jump of 90 days replays every midnight in
//   between in date order, so each notice and switch-off happens once, on its own date.
// - MC424238 "past re-enable/opt-out requests archived": opt-outs are cleared when September
//   2022 begins (they had to be made again), re-enables when October 2022 begins (the one-time
//   re-enable counts from then). Tenants pinned to a phase are not archived.
import type { Logger } from 'pino';
import type { Clock } from '../clock.js';
import type { Limits } from '../config.js';
import { ERAS } from '../eras.js';
import { DIAGNOSTIC_PROTOCOLS, type ProtocolId } from '../protocols.js';
import type { SignInWriter } from '../signins/writer.js';
import type { Sql } from '../store/sql.js';
import type { Directory, DirectoryWriter } from '../tenants/directory.js';
import type { OrgSettings, Tenant } from '../tenants/model.js';
import { microsoftBlocksBasic, phaseOf } from './blocks.js';
import type { Notices } from './notices.js';
import { ARCHIVE_AT, DAY_MS, dayStart, NOTICE_PERIOD_MS, USAGE_LOOKBACK_MS } from './schedule.js';
import { longDate, NOTICE_TEXTS, programmeText, protocolNames as names } from './texts.js';
import { basicUsedBetween } from './usage.js';

export const EXCHANGE_ONLINE = 'Exchange Online';
const CURSOR_KEY = 'programme.cursor';

/** Boundaries at which past requests were archived (MC424238), in date order. */
const ARCHIVES: readonly { at: number; key: 'basicAuthOptedOut' | 'basicAuthReenabled' }[] = [
  { at: ARCHIVE_AT, key: 'basicAuthOptedOut' },
  { at: Date.parse(ERAS.programmePhase.find((r) => r.value === 'switch-off')!.from), key: 'basicAuthReenabled' },
];

export interface JobDeps {
  sql: Sql;
  clock: Clock;
  directory: Directory;
  signIns: SignInWriter;
  limits: Pick<Limits, 'diagnosticPropagationMs'>;
  notices: Notices;
  log?: Logger;
}

export interface PendingDisablement {
  id: number;
  tenantId: string;
  protocols: ProtocolId[];
  noticedAt: number;
  dueAt: number;
  noticeId: string;
}

/** What one run did (tests and the control API report it). */
export interface JobReport {
  ranAt: string;
  notices: string[];
  confirmations: string[];
  issues: string[];
  disabled: { tenant: string; protocols: ProtocolId[]; at: string }[];
  spared: { tenant: string; protocols: ProtocolId[]; at: string }[];
}

export class ProgrammeJobs {
  #chain: Promise<unknown> = Promise.resolve();
  #cursor: number | undefined;
  #timer: NodeJS.Timeout | null = null;
  #unlisten: (() => void) | null = null;
  #closed = false;

  constructor(readonly deps: JobDeps) {}

  /** Runs due work now, then on every clock jump and every `intervalMs` of real time. */
  async start(intervalMs: number): Promise<void> {
    await this.runDue();
    this.#unlisten = this.deps.clock.onJump(async () => {
      // A failed run must not fail the clock move that triggered it; it is retried on the next.
      await this.runDue().catch((err: unknown) => this.deps.log?.error({ err }, 'programme job failed'));
    });
    this.#timer = setInterval(() => {
      this.runDue().catch((err: unknown) => this.deps.log?.error({ err }, 'programme job failed'));
    }, intervalMs);
    this.#timer.unref();
  }

  async close(): Promise<void> {
    this.#closed = true;
    this.#unlisten?.();
    if (this.#timer) clearInterval(this.#timer);
    await this.#chain.catch(() => undefined);
  }

  /** Everything due up to the emulated now, once; runs never overlap. */
  runDue(): Promise<JobReport> {
    const run = this.#chain.catch(() => undefined).then(() => this.#run());
    this.#chain = run;
    return run;
  }

  /** A tenant's announced, not yet processed disablements. */
  async pending(tenantId: string): Promise<PendingDisablement[]> {
    const rows = await this.deps.sql.query<PendingRow>("select * from programme_disablements where state = 'pending' and tenant_id = $1 order by due_at, id", [tenantId]);
    return rows.map(toPending);
  }

  async #run(): Promise<JobReport> {
    const { sql, clock } = this.deps;
    const now = clock.now();
    const report: JobReport = { ranAt: new Date(now).toISOString(), notices: [], confirmations: [], issues: [], disabled: [], spared: [] };
    if (this.#closed) return report;
    this.#cursor ??= await readCursor(sql);
    // A new store starts judging from now; a clock set back judges only where it now stands.
    const from = this.#cursor === undefined || this.#cursor >= now ? now : this.#cursor;
    const rows = await sql.query<PendingRow & { state: string }>('select * from programme_disablements order by due_at, id');
    const pending = rows.filter((r) => r.state === 'pending').map(toPending);
    const step = new Step(this.deps, report, pending, rows.map(toPending));

    let previous = from;
    for (let c = dayStart(from) + DAY_MS; c < now; c += DAY_MS) {
      await step.at(previous, c);
      previous = c;
    }
    await step.at(previous, now);

    if (this.#cursor !== now) {
      this.#cursor = now;
      await sql.query('insert into meta (key, value) values ($1, $2) on conflict (key) do update set value = excluded.value', [CURSOR_KEY, JSON.stringify(now)]);
    }
    if (report.notices.length || report.confirmations.length) this.deps.log?.info({ notices: report.notices, confirmations: report.confirmations }, 'programme job');
    return report;
  }
}

interface PendingRow {
  id: string | number;
  tenant_id: string;
  protocols: ProtocolId[];
  noticed_at: Date;
  due_at: Date;
  notice_id: string;
}

const toPending = (r: PendingRow): PendingDisablement => ({
  id: Number(r.id),
  tenantId: r.tenant_id,
  protocols: r.protocols,
  noticedAt: r.noticed_at.getTime(),
  dueAt: r.due_at.getTime(),
  noticeId: r.notice_id,
});

async function readCursor(sql: Sql): Promise<number | undefined> {
  const rows = await sql.query<{ value: number }>('select value from meta where key = $1', [CURSOR_KEY]);
  return rows[0]?.value;
}

/** One run's work at successive instants; `pending` is kept current as it goes. */
class Step {
  #flushed = false;

  constructor(
    readonly deps: JobDeps,
    readonly report: JobReport,
    readonly pending: PendingDisablement[],
    /** Every disablement ever announced, processed or not: the clock can be set back. */
    readonly announced: PendingDisablement[],
  ) {}

  /** Everything that happens in (previous, c]: archives, due switch-offs, then new notices at c. */
  async at(previous: number, c: number): Promise<void> {
    for (const archive of ARCHIVES) if (previous < archive.at && archive.at <= c) await this.#archive(archive.key, archive.at);
    while (this.pending.length && this.pending[0].dueAt <= c) await this.#disable(this.pending.shift()!);
    await this.#announce(c);
  }

  async #usage(tenantIds: string[], from: number, to: number): Promise<Set<string>> {
    // Counters wait in the writer's batch; the job judges what has been counted so far.
    if (!this.#flushed) {
      await this.deps.signIns.flush();
      this.#flushed = true;
    }
    return basicUsedBetween(this.deps.sql, tenantIds, from, to);
  }

  async #announce(c: number): Promise<void> {
    const { directory, notices } = this.deps;
    const tenants = directory.tenants().filter((t) => phaseOf(t, c) === 'proactive-disablement' && c - t.createdAt >= USAGE_LOOKBACK_MS);
    if (!tenants.length) return;
    const used = await this.#usage(
      tenants.map((t) => t.id),
      c - USAGE_LOOKBACK_MS,
      c,
    );
    for (const tenant of tenants) {
      // A protocol is announced once per notice period however the clock moves: not while a
      // notice runs, nor again when the clock is set back before a date already announced.
      const announced = new Set(
        [...this.pending, ...this.announced].filter((p) => p.tenantId === tenant.id && c <= p.dueAt).flatMap((p) => p.protocols),
      );
      const optedOut = tenant.org.get('basicAuthOptedOut', c);
      const reenabled = tenant.org.get('basicAuthReenabled', c);
      const protocols = DIAGNOSTIC_PROTOCOLS.filter(
        (p) => !announced.has(p) && !used.has(`${tenant.id}|${p}`) && !optedOut.includes(p) && !reenabled.includes(p) && !microsoftBlocksBasic(tenant, p, c),
      );
      if (!protocols.length) continue;
      const dueAt = c + NOTICE_PERIOD_MS;
      const entry = await directory.write(async (w) => {
        const notice = await notices.postMessage(w.tx, {
          tenantId: tenant.id,
          kind: 'notice',
          title: programmeText(NOTICE_TEXTS.noticeTitle),
          body: programmeText(NOTICE_TEXTS.noticeBody, { days: USAGE_LOOKBACK_MS / DAY_MS, protocols: names(protocols), date: longDate(dueAt) }),
          category: 'planForChange',
          severity: 'high',
          tags: ['Admin impact', 'User impact'],
          isMajorChange: true,
          services: [EXCHANGE_ONLINE],
          details: [
            { name: 'Protocols', value: protocols.join(',') },
            { name: 'DisablementDate', value: new Date(dueAt).toISOString() },
          ],
          startAt: c,
          endAt: dueAt + NOTICE_PERIOD_MS,
          actionRequiredBy: dueAt,
          lastModifiedAt: c,
        });
        const [row] = await w.tx.query<{ id: string }>(
          `insert into programme_disablements (tenant_id, protocols, noticed_at, due_at, notice_id, state) values ($1, $2, $3, $4, $5, 'pending') returning id`,
          [tenant.id, JSON.stringify(protocols), new Date(c), new Date(dueAt), notice.id],
        );
        return { id: Number(row.id), tenantId: tenant.id, protocols, noticedAt: c, dueAt, noticeId: notice.id } satisfies PendingDisablement;
      });
      insertByDue(this.pending, entry);
      this.announced.push(entry);
      this.report.notices.push(entry.noticeId);
    }
  }

  async #disable(d: PendingDisablement): Promise<void> {
    const { directory, notices, clock, limits } = this.deps;
    const tenant = directory.tenant(d.tenantId);
    const now = clock.now();
    if (!tenant) {
      await this.deps.sql.query("update programme_disablements set state = 'done', processed_at = $2 where id = $1", [d.id, new Date(now)]);
      return;
    }
    const used = await this.#usage([tenant.id], d.noticedAt, d.dueAt);
    // An opt-out made before the date takes effect within the propagation delay after it.
    const optedOut = tenant.org.get('basicAuthOptedOut', d.dueAt + limits.diagnosticPropagationMs);
    const spared = d.protocols.filter((p) => used.has(`${tenant.id}|${p}`) || optedOut.includes(p));
    const disabled = d.protocols.filter((p) => !spared.includes(p) && !microsoftBlocksBasic(tenant, p, d.dueAt));
    await directory.write(async (w) => {
      let confirmationId: string | null = null;
      let issueId: string | null = null;
      if (disabled.length) {
        await addToList(w, tenant, 'basicAuthBlockedApps', disabled, d.dueAt, now);
        const confirmation = await notices.postMessage(w.tx, {
          tenantId: tenant.id,
          kind: 'confirmation',
          title: programmeText(NOTICE_TEXTS.confirmationTitle),
          body: programmeText(NOTICE_TEXTS.confirmationBody, {
            notice: d.noticeId,
            protocols: names(disabled),
            spared: spared.length ? programmeText(NOTICE_TEXTS.confirmationSpared, { protocols: names(spared) }) : '',
          }).replace('<p></p>', ''),
          category: 'stayInformed',
          severity: 'high',
          tags: ['Admin impact', 'User impact'],
          isMajorChange: true,
          services: [EXCHANGE_ONLINE],
          details: [
            { name: 'Protocols', value: disabled.join(',') },
            { name: 'Notice', value: d.noticeId },
          ],
          startAt: d.dueAt,
          endAt: d.dueAt + NOTICE_PERIOD_MS,
          actionRequiredBy: null,
          lastModifiedAt: d.dueAt,
        });
        const issue = await notices.postIssue(w.tx, {
          tenantId: tenant.id,
          title: programmeText(NOTICE_TEXTS.issueTitle),
          impactDescription: programmeText(NOTICE_TEXTS.issueImpact, { protocols: names(disabled) }),
          classification: 'advisory',
          origin: 'microsoft',
          // UNCONFIRMED: the status an advisory about a deliberate change carries; "confirmed" says it is real and lasting.
          status: 'confirmed',
          service: EXCHANGE_ONLINE,
          feature: 'Basic authentication',
          featureGroup: 'E-Mail and calendar access',
          isResolved: false,
          details: [{ name: 'MessageCenterId', value: confirmation.id }],
          posts: [{ createdAt: d.dueAt, postType: 'regular', description: confirmation.body }],
          startAt: d.dueAt,
          endAt: null,
          lastModifiedAt: d.dueAt,
        });
        confirmationId = confirmation.id;
        issueId = issue.id;
        this.report.confirmations.push(confirmation.id);
        this.report.issues.push(issue.id);
      }
      await w.tx.query(
        "update programme_disablements set state = 'done', disabled = $2, spared = $3, confirmation_id = $4, issue_id = $5, processed_at = $6 where id = $1",
        [d.id, JSON.stringify(disabled), JSON.stringify(spared), confirmationId, issueId, new Date(now)],
      );
    });
    const at = new Date(d.dueAt).toISOString();
    if (disabled.length) this.report.disabled.push({ tenant: tenant.name, protocols: disabled, at });
    if (spared.length) this.report.spared.push({ tenant: tenant.name, protocols: spared, at });
  }

  async #archive(key: 'basicAuthOptedOut' | 'basicAuthReenabled', at: number): Promise<void> {
    const now = this.deps.clock.now();
    const tenants = this.deps.directory.tenants().filter((t) => t.org.get('phase', at) === null && t.org.get(key, at).length > 0);
    if (!tenants.length) return;
    await this.deps.directory.write(async (w) => {
      for (const tenant of tenants) await w.setOrg(tenant, key, [], at, now);
    });
  }
}

function insertByDue(list: PendingDisablement[], entry: PendingDisablement): void {
  let i = list.length;
  while (i > 0 && list[i - 1].dueAt > entry.dueAt) i--;
  list.splice(i, 0, entry);
}

type ListKey = 'basicAuthBlockedApps' | 'basicAuthOptedOut' | 'basicAuthReenabled';

/**
 * Adds protocols to an effective-dated list from `at` on. Changes already scheduled after `at`
 * (a diagnostic change still propagating) were computed without them, so they get them too.
 */
export async function addToList(w: DirectoryWriter, tenant: Tenant, key: ListKey, add: readonly ProtocolId[], at: number, now: number): Promise<void> {
  const merge = (value: OrgSettings[ListKey]) => [...value, ...add.filter((p) => !value.includes(p))];
  const current = tenant.org.get(key, at);
  if (add.some((p) => !current.includes(p))) await w.setOrg(tenant, key, merge(current), at, now);
  for (const later of tenant.org.history(key)) {
    if (later.at > at && add.some((p) => !later.value.includes(p))) await w.setOrg(tenant, key, merge(later.value), later.at, now);
  }
}

/** Removes protocols from an effective-dated list from `at` on (the diagnostic's re-enable). */
export async function removeFromList(w: DirectoryWriter, tenant: Tenant, key: ListKey, remove: readonly ProtocolId[], at: number, now: number): Promise<void> {
  const current = tenant.org.get(key, at);
  if (remove.some((p) => current.includes(p))) await w.setOrg(tenant, key, current.filter((p) => !remove.includes(p)), at, now);
}
