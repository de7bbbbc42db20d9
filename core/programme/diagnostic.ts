// The self-service diagnostic "Diag: Enable Basic Auth in EXO" (reference §0, §7): Run Tests
// lists what Microsoft disabled (and what is announced); Update Settings re-enables one protocol
// — or the Outlook group — per run behind an accepted warning, or opts one out of a pending
// disablement before its date. A change reaches the front end after the propagation delay: it
// is written effective-dated at now + delay, so the gateway's answer flips exactly then.
//
// Which phase allows what (§7): proactive disablement — re-enable and opt-out; September 2022 —
// opt-out only; October to December 2022 — one re-enable per protocol, no opt-out; from 2023 —
// the diagnostic is gone. It refuses callers who are not the tenant's Global Administrator
// (a delegated partner admin gets its own text), GCC tenants, and, for changes, a dehydrated
// organization until Enable-OrganizationCustomization. SMTP AUTH is not in it (Set-TransportConfig).
import type { Clock } from '../clock.js';
import type { Limits } from '../config.js';
import { DIAGNOSTIC_PROTOCOLS, PROTOCOLS, type ProtocolId } from '../protocols.js';
import type { Sql } from '../store/sql.js';
import type { Directory } from '../tenants/directory.js';
import { hasRole, type Tenant, type User } from '../tenants/model.js';
import { microsoftBlockedProtocols, phaseOf } from './blocks.js';
import { addToList, removeFromList, type ProgrammeJobs } from './jobs.js';
import { DIAGNOSTIC_TEXTS, longDate, programmeText, protocolNames as names, type DiagnosticTextKey } from './texts.js';

export const OUTLOOK_GROUP = 'outlook';
/** The Outlook group: MAPI, RPC, OAB and EWS (DESIGN.md, protocol catalogue). */
export const OUTLOOK_PROTOCOLS: readonly ProtocolId[] = DIAGNOSTIC_PROTOCOLS.filter((p) => PROTOCOLS[p].diagnosticGroups.includes('outlook'));
/** What a run may name: each protocol of the diagnostic, or the Outlook group. */
export const DIAGNOSTIC_CHOICES: readonly string[] = [...DIAGNOSTIC_PROTOCOLS, OUTLOOK_GROUP];

export type DiagnosticAction = 're-enable' | 'opt-out';

export interface DiagnosticCaller {
  tenant: Tenant;
  /** Absent for an app-only caller, which the diagnostic refuses. */
  user?: User;
}

export interface ProtocolInfo {
  id: ProtocolId;
  displayName: string;
}

export interface DiagnosticTests {
  ok: true;
  code: DiagnosticTextKey;
  message: string;
  phase: string;
  disabled: ProtocolInfo[];
  pending: { protocols: ProtocolInfo[]; date: string; notice: string }[];
  optedOut: ProtocolInfo[];
  reenabled: ProtocolInfo[];
  /** Which actions this phase offers. */
  actions: DiagnosticAction[];
  choices: readonly string[];
  warning: string;
  /** Set when the organization is dehydrated: tests run, changes are refused. */
  notice: string | null;
}

export interface DiagnosticChange {
  ok: true;
  code: DiagnosticTextKey;
  message: string;
  action: DiagnosticAction;
  protocols: ProtocolInfo[];
  /** When the gateway's answer flips. */
  effectiveAt: string;
}

export interface DiagnosticRefusal {
  ok: false;
  code: DiagnosticTextKey;
  message: string;
}

export interface UpdateRequest {
  action?: unknown;
  protocol?: unknown;
  acceptWarning?: unknown;
}

const info = (ids: readonly ProtocolId[]): ProtocolInfo[] => ids.map((id) => ({ id, displayName: PROTOCOLS[id].displayName }));

function refuse(code: DiagnosticTextKey, vars?: Record<string, string>): DiagnosticRefusal {
  return { ok: false, code, message: programmeText(DIAGNOSTIC_TEXTS[code], vars) };
}

export interface DiagnosticDeps {
  sql: Sql;
  clock: Clock;
  directory: Directory;
  limits: Pick<Limits, 'diagnosticPropagationMs'>;
  jobs: ProgrammeJobs;
}

export class Diagnostic {
  constructor(readonly deps: DiagnosticDeps) {}

  /** Who may run it at all (§0, §7); null when the caller may. */
  #gate(caller: DiagnosticCaller, now: number): DiagnosticRefusal | null {
    const { tenant, user } = caller;
    if (!user || !hasRole(user, now, 'GlobalAdministrator')) return refuse(user && hasRole(user, now, 'DelegatedAdmin') ? 'delegatedAdmin' : 'notGlobalAdmin');
    if (tenant.cloud === 'gcc') return refuse('gcc');
    if (phaseOf(tenant, now) === 'permanent') return refuse('windowClosed');
    return null;
  }

  async runTests(caller: DiagnosticCaller): Promise<DiagnosticTests | DiagnosticRefusal> {
    await this.deps.jobs.runDue();
    const now = this.deps.clock.now();
    const refusal = this.#gate(caller, now);
    if (refusal) return refusal;
    const { tenant } = caller;
    const phase = phaseOf(tenant, now);
    const disabled = microsoftBlockedProtocols(tenant, now, DIAGNOSTIC_PROTOCOLS);
    const pending = (await this.deps.jobs.pending(tenant.id)).map((p) => ({ protocols: info(p.protocols), date: new Date(p.dueAt).toISOString(), notice: p.noticeId }));
    const actions: DiagnosticAction[] = phase === 'opt-out-window' ? ['opt-out'] : phase === 'switch-off' ? ['re-enable'] : ['re-enable', 'opt-out'];
    let code: DiagnosticTextKey = disabled.length ? 'disabledList' : phase === 'before-programme' ? 'beforeProgramme' : 'noneDisabled';
    let message = programmeText(DIAGNOSTIC_TEXTS[code], { protocols: names(disabled) });
    if (pending.length) {
      const first = pending[0];
      message += ` ${programmeText(DIAGNOSTIC_TEXTS.pendingList, { date: longDate(Date.parse(first.date)), protocols: pending.flatMap((p) => p.protocols.map((i) => i.displayName)).join(', ') })}`;
      if (code === 'beforeProgramme') code = 'noneDisabled';
    }
    return {
      ok: true,
      code,
      message,
      phase,
      disabled: info(disabled),
      pending,
      optedOut: info(tenant.org.get('basicAuthOptedOut', now)),
      reenabled: info(tenant.org.get('basicAuthReenabled', now)),
      actions,
      choices: DIAGNOSTIC_CHOICES,
      warning: DIAGNOSTIC_TEXTS.warning.text,
      notice: tenant.org.get('dehydrated', now) ? DIAGNOSTIC_TEXTS.dehydrated.text : null,
    };
  }

  async update(caller: DiagnosticCaller, request: UpdateRequest): Promise<DiagnosticChange | DiagnosticRefusal> {
    await this.deps.jobs.runDue();
    const now = this.deps.clock.now();
    const refusal = this.#gate(caller, now);
    if (refusal) return refusal;
    const { tenant, user } = caller;
    if (tenant.org.get('dehydrated', now)) return refuse('dehydrated');

    const targets = parseTarget(request.protocol);
    const result: DiagnosticChange | DiagnosticRefusal =
      'ok' in targets
        ? targets
        : request.action !== 're-enable' && request.action !== 'opt-out'
          ? refuse('unknownAction', { action: String(request.action ?? '').slice(0, 40) })
          : request.acceptWarning !== true
            ? refuse('warningNotAccepted')
            : request.action === 're-enable'
              ? await this.#reenable(tenant, targets.protocols, now)
              : await this.#optOut(tenant, targets.protocols, now);
    // Every run past the gate is kept, refused or not: what an administrator tried, and when.
    await this.deps.sql.query(
      'insert into programme_diagnostic_runs (tenant_id, user_id, at, action, target, protocols, outcome, effective_at) values ($1, $2, $3, $4, $5, $6, $7, $8)',
      [
        tenant.id,
        user!.id,
        new Date(now),
        String(request.action ?? '').slice(0, 40),
        'ok' in targets ? null : targets.name,
        JSON.stringify(result.ok ? result.protocols.map((p) => p.id) : []),
        result.code,
        result.ok ? new Date(result.effectiveAt) : null,
      ],
    );
    return result;
  }

  async #reenable(tenant: Tenant, targets: readonly ProtocolId[], now: number): Promise<DiagnosticChange | DiagnosticRefusal> {
    const phase = phaseOf(tenant, now);
    if (phase === 'opt-out-window') return refuse('optOutOnly');
    const at = now + this.deps.limits.diagnosticPropagationMs;
    // Judged where the change lands: a re-enable still propagating is not asked for twice.
    const blocked = microsoftBlockedProtocols(tenant, at, targets);
    if (!blocked.length) {
      const reenabled = tenant.org.get('basicAuthReenabled', at);
      const again = targets.filter((p) => reenabled.includes(p));
      return phase === 'switch-off' && again.length ? refuse('alreadyReenabled', { protocols: names(again) }) : refuse('notDisabled', { protocols: names(targets) });
    }
    await this.deps.directory.write(async (w) => {
      await removeFromList(w, tenant, 'basicAuthBlockedApps', blocked, at, now);
      await addToList(w, tenant, 'basicAuthReenabled', blocked, at, now);
    });
    return { ok: true, code: 'reenabled', message: programmeText(DIAGNOSTIC_TEXTS.reenabled, { protocols: names(blocked) }), action: 're-enable', protocols: info(blocked), effectiveAt: new Date(at).toISOString() };
  }

  async #optOut(tenant: Tenant, targets: readonly ProtocolId[], now: number): Promise<DiagnosticChange | DiagnosticRefusal> {
    const phase = phaseOf(tenant, now);
    if (phase === 'switch-off') return refuse('optOutClosed');
    const at = now + this.deps.limits.diagnosticPropagationMs;
    const blockedNow = microsoftBlockedProtocols(tenant, now, targets);
    let chosen: ProtocolId[];
    let message: string;
    if (phase === 'opt-out-window') {
      // September 2022: opting out keeps a protocol on in October; one already off stays off.
      chosen = targets.filter((p) => !blockedNow.includes(p));
      message = programmeText(DIAGNOSTIC_TEXTS.optedOutSwitchOff, { protocols: names(chosen) });
    } else {
      const pending = (await this.deps.jobs.pending(tenant.id)).filter((p) => p.dueAt > now);
      chosen = targets.filter((p) => pending.some((d) => d.protocols.includes(p)));
      const date = pending.find((d) => chosen.some((p) => d.protocols.includes(p)))?.dueAt;
      message = programmeText(DIAGNOSTIC_TEXTS.optedOut, { protocols: names(chosen), date: date ? longDate(date) : '' });
      if (!chosen.length) return blockedNow.length ? refuse('alreadyDisabled', { protocols: names(blockedNow) }) : refuse('nothingPending', { protocols: names(targets) });
    }
    if (!chosen.length) return refuse('alreadyDisabled', { protocols: names(blockedNow) });
    await this.deps.directory.write((w) => addToList(w, tenant, 'basicAuthOptedOut', chosen, at, now));
    return { ok: true, code: phase === 'opt-out-window' ? 'optedOutSwitchOff' : 'optedOut', message, action: 'opt-out', protocols: info(chosen), effectiveAt: new Date(at).toISOString() };
  }
}

/** One protocol id or "outlook" per run (§0); SMTP AUTH is pointed to Set-TransportConfig. */
function parseTarget(value: unknown): { name: string; protocols: readonly ProtocolId[] } | DiagnosticRefusal {
  const list = Array.isArray(value) ? value : typeof value === 'string' ? value.split(',').map((s) => s.trim()).filter(Boolean) : [];
  const choices = DIAGNOSTIC_CHOICES.join(', ');
  if (list.length > 1) return refuse('onePerRun');
  const name = typeof list[0] === 'string' ? list[0] : '';
  const lower = name.toLowerCase();
  if (lower === OUTLOOK_GROUP) return { name: OUTLOOK_GROUP, protocols: OUTLOOK_PROTOCOLS };
  if (lower === 'smtp') return refuse('smtpAuth');
  const id = DIAGNOSTIC_PROTOCOLS.find((p) => p.toLowerCase() === lower);
  if (!id) return refuse('unknownProtocol', { protocol: name, choices });
  return { name: id, protocols: [id] };
}
