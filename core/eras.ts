// Everything in Exchange Online that depends on the date, in one table keyed by the emulated
// date (reference §4.4, §7, §2.1-§2.4, §4.1). `exogate start` with today's date therefore
// behaves as Exchange Online does today, and a clock stood on 2021-07-01 behaves as it did then.
// Rows marked `confirmed: false` are the reference's UNCONFIRMED facts: the most plausible
// choice, kept here so that there is exactly one place to correct them.

import type { ProtocolId } from './protocols.js';

/** The Basic-authentication deprecation programme (§7), as phases a tenant moves through. */
export const PROGRAMME_PHASES = [
  'before-programme',
  'proactive-disablement',
  'opt-out-window',
  'switch-off',
  'permanent',
] as const;
export type ProgrammePhase = (typeof PROGRAMME_PHASES)[number];

/** SMTP AUTH's own Basic retirement path (§4.4). */
export type SmtpBasicPhase = 'available' | 'default-off' | 'removed';

/** The IMAP/POP front end (§2.1, §2.2, §2.4): classic Exchange, or the 2026 tcpproxy front end. */
export type FrontEndEra = 'classic' | 'tcpproxy';

/** How SMTP error lines end (§4.1): `[HOST]` up to 2022, `[HOST ISO-TIME ID]` after. */
export type SmtpSuffixEra = 'host' | 'host-time-id';

/** Which ActiveSync protocol versions Exchange Online offers (§5.4): all, or 16.1 alone from March 2026. */
export type EasVersionsEra = 'all' | '16.1-only';
/** Which 535 texts Basic failures get (§4.2): generic 5.7.3 before 2021, the 5.7.139 family after. */
export type SmtpAuthTextEra = 'generic-5.7.3' | 'reasons-5.7.139';

interface Row<T> {
  from: string;
  value: T;
  confirmed: boolean;
  note: string;
}

export interface EraTable {
  programmePhase: Row<ProgrammePhase>[];
  smtpBasic: Row<SmtpBasicPhase>[];
  frontEnd: Row<FrontEndEra>[];
  smtpSuffix: Row<SmtpSuffixEra>[];
  smtpAuthTexts: Row<SmtpAuthTextEra>[];
  easVersions: Row<EasVersionsEra>[];
}

export const ERAS: EraTable = {
  programmePhase: [
    { from: '1970-01-01', value: 'before-programme', confirmed: true, note: 'Basic available; announcements only (MC191153, MC204828)' },
    {
      from: '2021-02-05',
      value: 'proactive-disablement',
      confirmed: true,
      note: 'MC237741: unused protocols switched off per tenant after a 30-day Message Center notice',
    },
    { from: '2022-09-01', value: 'opt-out-window', confirmed: true, note: 'MC424238: diagnostic is opt-out only during September 2022' },
    {
      from: '2022-10-01',
      value: 'switch-off',
      confirmed: true,
      note: 'Basic off for the 8 protocols in all tenants unless opted out; one-time re-enable until 31 Dec 2022',
    },
    { from: '2023-01-01', value: 'permanent', confirmed: true, note: 'diagnostic removed; Basic off for good regardless of opt-out' },
  ],
  smtpBasic: [
    { from: '1970-01-01', value: 'available', confirmed: true, note: 'governed by TransportConfig, CASMailbox and authentication policies' },
    {
      from: '2026-12-31',
      value: 'default-off',
      confirmed: false,
      note: 'Jan 2026 update: "end of Dec 2026" Basic SMTP AUTH off by default for existing tenants, admins can re-enable; the switch is UNCONFIRMED',
    },
    {
      from: '2027-07-01',
      value: 'removed',
      confirmed: false,
      note: '"2H 2027, date to be announced": 550 5.7.30 for every Basic SMTP AUTH attempt',
    },
  ],
  frontEnd: [
    { from: '1970-01-01', value: 'classic', confirmed: true, note: 'The Microsoft Exchange IMAP4 service is ready.' },
    {
      from: '2026-09-01',
      value: 'tcpproxy',
      confirmed: false,
      note: 'first seen Sept 2026 (MailKit #2016); LOGINDISABLED, "NO Basic authentication is disabled."',
    },
  ],
  smtpSuffix: [
    { from: '1970-01-01', value: 'host', confirmed: true, note: 'errors end [HOST] (<= 2022)' },
    { from: '2023-01-01', value: 'host-time-id', confirmed: false, note: '"since ~2023": [HOST 2025-01-26T18:54:30.055Z 08DD3DD7D75D7743]' },
  ],
  smtpAuthTexts: [
    { from: '1970-01-01', value: 'generic-5.7.3', confirmed: false, note: '"pre-2021 Basic failures" answered 535 5.7.3' },
    { from: '2021-01-01', value: 'reasons-5.7.139', confirmed: false, note: 'the 5.7.139 family naming the reason' },
  ],
  easVersions: [
    { from: '1970-01-01', value: 'all', confirmed: false, note: 'MS-ASProtocolVersions 2.0 to 16.1 (no EXO capture; on-premises list)' },
    { from: '2026-03-01', value: '16.1-only', confirmed: true, note: 'techcommunity 4477997: clients below 16.1 refused; TbSync #778 sees only 16.1 offered' },
  ],
};

/** The 8 protocols of the general switch-off (§7, 1 Oct 2022). */
export const SWITCH_OFF_PROTOCOLS: readonly ProtocolId[] = ['mapi', 'rpc', 'oab', 'ews', 'pop', 'imap', 'eas', 'powershell'];

/**
 * Protocols whose Basic authentication is gone for good once the programme is `permanent`
 * (§7): the 8, plus Reporting Web Services (31 Dec 2022), Outlook Service (early 2023,
 * MC527925) and Autodiscover, which only ever fronted the others (UNCONFIRMED: no text
 * says when Autodiscover's own Basic ended; it is treated as ending with EWS and EAS).
 */
export const PERMANENTLY_OFF_PROTOCOLS: readonly ProtocolId[] = [
  ...SWITCH_OFF_PROTOCOLS,
  'reporting',
  'outlookService',
  'autodiscover',
  'rest',
];

/** Tenants created on or after this date were born with Basic off for the 8 protocols (§0; date UNCONFIRMED). */
export const NEW_TENANTS_BASIC_OFF_FROM = '2021-06-22';
/** Tenants created after this date never get Basic SMTP AUTH (§4.4 Jan 2026 update). */
export const NEW_TENANTS_SMTP_BASIC_OFF_FROM = '2026-12-31';

const parsed = new WeakMap<object, { at: number; value: unknown }[]>();

function rowsOf<T>(rows: Row<T>[]): { at: number; value: T }[] {
  let cached = parsed.get(rows) as { at: number; value: T }[] | undefined;
  if (!cached) {
    cached = rows.map((r) => ({ at: Date.parse(r.from), value: r.value }));
    parsed.set(rows, cached);
  }
  return cached;
}

export function eraAt<K extends keyof EraTable>(key: K, t: number): EraTable[K][number]['value'] {
  const rows = rowsOf(ERAS[key] as Row<EraTable[K][number]['value']>[]);
  for (let i = rows.length - 1; i > 0; i--) if (rows[i].at <= t) return rows[i].value;
  return rows[0].value;
}

export function isProgrammePhase(value: string): value is ProgrammePhase {
  return (PROGRAMME_PHASES as readonly string[]).includes(value);
}
