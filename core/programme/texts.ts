// Every text of the programme in one table: what the self-service diagnostic says ("Diag: Enable
// Basic Auth in EXO", reference §0, §7) and what the Message Center and Service Health posts say.
// The reference quotes none of them word for word (screenshots are not text-searchable, §7), so
// each is marked `confirmed: false` with the fact it paraphrases: the one place to correct them.
// `{name}` placeholders are filled by `programmeText`.
import { PROTOCOLS, type ProtocolId } from '../protocols.js';

export interface ProgrammeText {
  text: string;
  confirmed: boolean;
  /** The reference's fact this text renders. */
  source: string;
}

const t = (text: string, source: string, confirmed = false): ProgrammeText => Object.freeze({ text, confirmed, source });

export const DIAGNOSTIC_TEXTS = Object.freeze({
  // --- Run Tests ---
  noneDisabled: t('We checked your organization. Basic authentication has not been disabled by Microsoft for any protocol in your organization.', '§0: "if nothing was disabled it says so"'),
  disabledList: t('Basic authentication has been disabled by Microsoft for the following protocols in your organization: {protocols}.', '§0: "otherwise it lists the disabled protocols"'),
  pendingList: t('Basic authentication is scheduled to be disabled on {date} for: {protocols}. You can opt out of this change for a protocol you need.', '§0: opt-out "after the Message Center notice and before the date"'),
  warning: t(
    'Basic authentication is an outdated industry standard, and threats posed by it have only increased. Microsoft strongly recommends moving your clients to Modern authentication. I understand that re-enabling Basic authentication, or keeping it enabled, exposes my organization to these threats.',
    '§0: the admin "ticks a box agreeing to a warning"; §7: the warning text is UNCONFIRMED',
  ),
  // --- Update Settings: success ---
  reenabled: t('Basic authentication will be re-enabled for {protocols}. The change takes effect within an hour.', '§7: "effective within an hour (often sooner)"'),
  optedOut: t('Basic authentication will not be disabled for {protocols} on {date}.', '§0, §7: opt-out before the date'),
  optedOutSwitchOff: t('Basic authentication will not be disabled for {protocols} in October 2022. It will be disabled permanently in January 2023.', '§7 Sept 2022: opt-out keeps a protocol from being disabled in October'),
  // --- refusals: who ---
  notGlobalAdmin: t('You must be a Global Administrator of the organization to run this diagnostic.', '§7: "Requires tenant Global Admin"'),
  delegatedAdmin: t('This diagnostic is not available to delegated administrators. A Global Administrator of the organization must run it.', '§0: not offered to a delegated (partner) administrator'),
  gcc: t('This diagnostic is not available for GCC organizations. To opt out, follow the Message Center post; to re-enable Basic authentication, open a support request.', '§0, §7: does not work for GCC tenants (support ticket)'),
  // --- refusals: when ---
  dehydrated: t('The organization configuration is dehydrated and cannot be modified. Run Enable-OrganizationCustomization, then run this diagnostic again.', '§0: dehydrated organization until Enable-OrganizationCustomization'),
  windowClosed: t('This diagnostic is no longer available. Basic authentication has been permanently disabled in Exchange Online and cannot be re-enabled.', '§7: 31 Dec 2022, diagnostic removed'),
  optOutOnly: t('During September 2022 this diagnostic can only opt protocols out of being disabled in October. To re-enable a protocol now, open a support request.', '§7 (MC424238): September 2022 is opt-out only'),
  optOutClosed: t('Opting out is no longer possible: Basic authentication is being disabled in all organizations. You can re-enable a protocol Microsoft disabled, once, until December 31, 2022.', '§7: from 1 Oct 2022, one-time re-enable only'),
  // --- refusals: what ---
  smtpAuth: t('SMTP AUTH is not managed by this diagnostic. To enable it for your organization, run Set-TransportConfig -SmtpClientAuthenticationDisabled $false.', '§0: SMTP AUTH is the ninth protocol and is set back with Set-TransportConfig', true),
  unknownProtocol: t('"{protocol}" is not a protocol this diagnostic manages. Choose one of: {choices}.', 'choice'),
  unknownAction: t('"{action}" is not something this diagnostic does. Choose re-enable or opt-out.', 'choice'),
  onePerRun: t('Select one protocol, or Outlook, per run. To change another protocol, run the diagnostic again.', '§0: "Another protocol needs another run of the diagnostic"'),
  warningNotAccepted: t('To update settings, first accept the warning.', '§0: "ticks a box agreeing to a warning"'),
  notDisabled: t('Basic authentication is not disabled for {protocols}, so there is nothing to re-enable.', '§7: re-enable "only for protocols Microsoft disabled"'),
  alreadyReenabled: t('Basic authentication for {protocols} has already been re-enabled once. It cannot be re-enabled again.', '§7: "one-time re-enable per protocol"'),
  nothingPending: t('Basic authentication is not scheduled to be disabled for {protocols}, so there is nothing to opt out of.', '§0: opt-out applies to a pending disablement'),
  alreadyDisabled: t('Basic authentication for {protocols} has already been disabled. Use the re-enable option instead.', '§0: opt-out is "before the date"'),
  beforeProgramme: t('Basic authentication has not been disabled by Microsoft for any protocol, and no change is scheduled.', 'before 5 Feb 2021 nothing was switched off'),
});

export type DiagnosticTextKey = keyof typeof DIAGNOSTIC_TEXTS;

export const NOTICE_TEXTS = Object.freeze({
  noticeTitle: t('Basic Authentication will be turned off for unused protocols in your organization', '§0: MC post "in 30 days we\'ll turn it off"'),
  noticeBody: t(
    '<p>As announced in MC237741, we are turning off Basic Authentication in Exchange Online for protocols your organization does not use.</p><p>Our data shows no Basic Authentication usage in your organization over the last {days} days for: {protocols}. On {date} we will turn off Basic Authentication for these protocols.</p><p>If you need to keep using Basic Authentication for one of them, run the self-service diagnostic (type <b>Diag: Enable Basic Auth in EXO</b> in the Microsoft 365 admin center help pane) and opt out before {date}. We urge you to opt out only for protocols you really need.</p>',
    '§0 and §7 (June 2021): random unused tenants get a 30-day notice; opt-out through the diagnostic',
  ),
  confirmationTitle: t('Basic Authentication has been turned off for unused protocols in your organization', '§0: "a second post confirms it"'),
  confirmationBody: t(
    '<p>As announced in {notice}, we have turned off Basic Authentication in Exchange Online for: {protocols}.</p><p>{spared}</p><p>If this affects you, a Global Administrator can re-enable a protocol with the self-service diagnostic (<b>Diag: Enable Basic Auth in EXO</b>). The change takes effect within an hour.</p>',
    '§0: confirmation post; re-enable through the diagnostic',
  ),
  confirmationSpared: t('We did not turn it off for {protocols}: your organization used Basic Authentication for them after our notice, or opted out.', '§0: tenants that use a protocol are left alone'),
  issueTitle: t('Basic Authentication turned off for unused protocols', 'May 2022 (MC375736): MC post + Service Health notice'),
  issueImpact: t('Clients of your organization using Basic Authentication for {protocols} can no longer sign in. Modern Authentication (OAuth) is not affected.', '§0'),
});

export type NoticeTextKey = keyof typeof NOTICE_TEXTS;

export function programmeText(entry: ProgrammeText, vars: Record<string, string | number> = {}): string {
  return entry.text.replace(/\{(\w+)\}/g, (whole, name: string) => (name in vars ? String(vars[name]) : whole));
}

/** "July 31, 2021": how Message Center posts write dates. */
export function longDate(t: number): string {
  return new Date(t).toLocaleDateString('en-US', { timeZone: 'UTC', year: 'numeric', month: 'long', day: 'numeric' });
}

/** "POP, IMAP": the protocols' display names, as the texts list them. */
export function protocolNames(ids: readonly ProtocolId[]): string {
  return ids.map((p) => PROTOCOLS[p].displayName).join(', ');
}
