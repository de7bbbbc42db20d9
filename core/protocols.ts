// The protocol catalogue: every client protocol of the reference with its facts, as data.
// Everything else (auth core, cmdlets, sign-in records, the diagnostic) reads these facts from
// here and nowhere else. Sources: reference §6.1 (AllowBasicAuth* switches), §6.2
// (BasicAuthBlockedApps bits), §9.1 (clientAppUsed values), §6.4 (CASMailbox switches),
// §8.2 (scopes and application permissions), §0 and §7 (the diagnostic's protocols).

export const PROTOCOL_IDS = [
  'imap',
  'pop',
  'smtp',
  'ews',
  'eas',
  'autodiscover',
  'mapi',
  'rpc',
  'oab',
  'powershell',
  'reporting',
  'outlookService',
  'rest',
] as const;

export type ProtocolId = (typeof PROTOCOL_IDS)[number];

/** A Set-CASMailbox boolean that turns the protocol off for one mailbox (§6.4). */
export type CasMailboxSwitch = 'ImapEnabled' | 'PopEnabled' | 'EwsEnabled' | 'ActiveSyncEnabled' | 'MAPIEnabled';

export interface ProtocolFacts {
  id: ProtocolId;
  displayName: string;
  /** Set-AuthenticationPolicy switch (§6.1). */
  authPolicySwitch: string;
  /** Bit in Get-OrganizationConfig BasicAuthBlockedApps (§6.2, medium confidence); null where the reference knows none. */
  blockedAppsFlag: number | null;
  /** The signIn resource's clientAppUsed for Basic sign-ins (§9.1). */
  clientAppUsed: string;
  /** The per-mailbox switch, or null when the protocol has none (SMTP has its own tri-state, §6.3). */
  casMailboxSwitch: CasMailboxSwitch | null;
  /** One of the 8 protocols the June 2021 diagnostic re-enables (§0); SMTP AUTH is the ninth and is not. */
  inDiagnostic: boolean;
  /** Diagnostic groups the protocol belongs to besides itself: the Outlook group is MAPI + RPC + OAB + EWS (DESIGN.md). */
  diagnosticGroups: readonly 'outlook'[];
  /** Delegated permission on Office 365 Exchange Online that a user token needs (§8.2); null: none applies. */
  delegatedScope: string | null;
  /** Application permission an app-only token needs (§8.2); null: app-only access is not offered. */
  applicationRole: string | null;
  /**
   * The application role opens every mailbox of the tenant by itself (EWS's full_access_as_app;
   * application access policies are not modelled), where IMAP, POP and SMTP app-only access also
   * needs an Exchange service principal and Add-MailboxPermission (§8.2).
   */
  appRoleCoversAllMailboxes: boolean;
  /** Wire or HTTP protocol the listener speaks; the HTTP ones share the one HTTPS listener. */
  transport: 'imap' | 'pop3' | 'smtp' | 'https';
  /** Paths on the HTTPS listener (DESIGN.md "Interfaces"). */
  paths: readonly string[];
}

const facts = (f: ProtocolFacts) => Object.freeze(f);

export const PROTOCOLS: Readonly<Record<ProtocolId, ProtocolFacts>> = Object.freeze({
  imap: facts({
    id: 'imap',
    displayName: 'IMAP4',
    authPolicySwitch: 'AllowBasicAuthImap',
    blockedAppsFlag: 8,
    clientAppUsed: 'IMAP4',
    casMailboxSwitch: 'ImapEnabled',
    inDiagnostic: true,
    diagnosticGroups: [],
    delegatedScope: 'IMAP.AccessAsUser.All',
    applicationRole: 'IMAP.AccessAsApp',
    appRoleCoversAllMailboxes: false,
    transport: 'imap',
    paths: [],
  }),
  pop: facts({
    id: 'pop',
    displayName: 'POP3',
    authPolicySwitch: 'AllowBasicAuthPop',
    blockedAppsFlag: 4,
    clientAppUsed: 'POP3',
    casMailboxSwitch: 'PopEnabled',
    inDiagnostic: true,
    diagnosticGroups: [],
    delegatedScope: 'POP.AccessAsUser.All',
    applicationRole: 'POP.AccessAsApp',
    appRoleCoversAllMailboxes: false,
    transport: 'pop3',
    paths: [],
  }),
  smtp: facts({
    id: 'smtp',
    displayName: 'Authenticated SMTP',
    authPolicySwitch: 'AllowBasicAuthSmtp',
    // UNCONFIRMED whether an SMTP bit exists (§6.2); SMTP AUTH is switched off through TransportConfig instead.
    blockedAppsFlag: null,
    clientAppUsed: 'Authenticated SMTP',
    casMailboxSwitch: null,
    inDiagnostic: false,
    diagnosticGroups: [],
    delegatedScope: 'SMTP.Send',
    applicationRole: 'SMTP.SendAsApp',
    appRoleCoversAllMailboxes: false,
    transport: 'smtp',
    paths: [],
  }),
  ews: facts({
    id: 'ews',
    displayName: 'Exchange Web Services',
    authPolicySwitch: 'AllowBasicAuthWebServices',
    blockedAppsFlag: 2,
    clientAppUsed: 'Exchange Web Services',
    casMailboxSwitch: 'EwsEnabled',
    inDiagnostic: true,
    diagnosticGroups: ['outlook'],
    delegatedScope: 'EWS.AccessAsUser.All',
    applicationRole: 'full_access_as_app',
    appRoleCoversAllMailboxes: true,
    transport: 'https',
    paths: ['/EWS/Exchange.asmx'],
  }),
  eas: facts({
    id: 'eas',
    displayName: 'Exchange ActiveSync',
    authPolicySwitch: 'AllowBasicAuthActiveSync',
    blockedAppsFlag: 1,
    clientAppUsed: 'Exchange ActiveSync',
    casMailboxSwitch: 'ActiveSyncEnabled',
    inDiagnostic: true,
    diagnosticGroups: [],
    // UNCONFIRMED scope name (§8.2).
    delegatedScope: 'EAS.AccessAsUser.All',
    applicationRole: null,
    appRoleCoversAllMailboxes: false,
    transport: 'https',
    paths: ['/Microsoft-Server-ActiveSync'],
  }),
  autodiscover: facts({
    id: 'autodiscover',
    displayName: 'AutoDiscover',
    authPolicySwitch: 'AllowBasicAuthAutodiscover',
    blockedAppsFlag: null,
    clientAppUsed: 'AutoDiscover',
    casMailboxSwitch: null,
    inDiagnostic: false,
    diagnosticGroups: [],
    // Autodiscover accepts the token of the protocol it is discovering for.
    delegatedScope: null,
    applicationRole: 'full_access_as_app',
    appRoleCoversAllMailboxes: true,
    transport: 'https',
    paths: ['/autodiscover/autodiscover.xml', '/autodiscover/autodiscover.json'],
  }),
  mapi: facts({
    id: 'mapi',
    displayName: 'MAPI over HTTP',
    authPolicySwitch: 'AllowBasicAuthMapi',
    blockedAppsFlag: 32,
    clientAppUsed: 'MAPI Over HTTP',
    casMailboxSwitch: 'MAPIEnabled',
    inDiagnostic: true,
    diagnosticGroups: ['outlook'],
    delegatedScope: 'EWS.AccessAsUser.All',
    applicationRole: null,
    appRoleCoversAllMailboxes: false,
    transport: 'https',
    paths: ['/mapi/emsmdb', '/mapi/nspi'],
  }),
  rpc: facts({
    id: 'rpc',
    displayName: 'Outlook Anywhere (RPC over HTTP)',
    authPolicySwitch: 'AllowBasicAuthRpc',
    blockedAppsFlag: 128,
    clientAppUsed: 'Outlook Anywhere (RPC over HTTP)',
    casMailboxSwitch: 'MAPIEnabled',
    inDiagnostic: true,
    diagnosticGroups: ['outlook'],
    delegatedScope: 'EWS.AccessAsUser.All',
    applicationRole: null,
    appRoleCoversAllMailboxes: false,
    transport: 'https',
    paths: ['/rpc/rpcproxy.dll'],
  }),
  oab: facts({
    id: 'oab',
    displayName: 'Offline Address Book',
    authPolicySwitch: 'AllowBasicAuthOfflineAddressBook',
    blockedAppsFlag: 64,
    clientAppUsed: 'Offline Address Book',
    casMailboxSwitch: null,
    inDiagnostic: true,
    diagnosticGroups: ['outlook'],
    delegatedScope: 'EWS.AccessAsUser.All',
    applicationRole: null,
    appRoleCoversAllMailboxes: false,
    transport: 'https',
    paths: ['/OAB'],
  }),
  powershell: facts({
    id: 'powershell',
    displayName: 'Remote PowerShell',
    authPolicySwitch: 'AllowBasicAuthPowershell',
    blockedAppsFlag: 16,
    clientAppUsed: 'Exchange Online PowerShell',
    casMailboxSwitch: null,
    inDiagnostic: true,
    diagnosticGroups: [],
    delegatedScope: 'Exchange.Manage',
    applicationRole: 'Exchange.ManageAsApp',
    appRoleCoversAllMailboxes: false,
    transport: 'https',
    paths: ['/PowerShell-LiveID', '/adminapi'],
  }),
  reporting: facts({
    id: 'reporting',
    displayName: 'Reporting Web Services',
    authPolicySwitch: 'AllowBasicAuthReportingWebServices',
    blockedAppsFlag: null,
    clientAppUsed: 'Reporting Web Services',
    casMailboxSwitch: null,
    inDiagnostic: false,
    diagnosticGroups: [],
    delegatedScope: 'Exchange.Manage',
    applicationRole: 'Exchange.ManageAsApp',
    appRoleCoversAllMailboxes: false,
    transport: 'https',
    paths: ['/ecp/reportingwebservice/reporting.svc'],
  }),
  outlookService: facts({
    id: 'outlookService',
    displayName: 'Outlook Service',
    authPolicySwitch: 'AllowBasicAuthOutlookService',
    blockedAppsFlag: null,
    clientAppUsed: 'Outlook Service',
    casMailboxSwitch: null,
    inDiagnostic: false,
    diagnosticGroups: [],
    delegatedScope: 'EAS.AccessAsUser.All',
    applicationRole: null,
    appRoleCoversAllMailboxes: false,
    transport: 'https',
    paths: [],
  }),
  rest: facts({
    id: 'rest',
    displayName: 'REST',
    // UNCONFIRMED: the reference's switch list (§6.1) has no REST switch; Set-AuthenticationPolicy
    // documents AllowBasicAuthRest as not applying to Exchange Online. Kept so seeds can name it.
    authPolicySwitch: 'AllowBasicAuthRest',
    blockedAppsFlag: null,
    clientAppUsed: 'Other clients',
    casMailboxSwitch: null,
    inDiagnostic: false,
    diagnosticGroups: [],
    delegatedScope: 'EWS.AccessAsUser.All',
    applicationRole: null,
    appRoleCoversAllMailboxes: false,
    transport: 'https',
    paths: [],
  }),
});

export function isProtocolId(value: string): value is ProtocolId {
  return (PROTOCOL_IDS as readonly string[]).includes(value);
}

/** The protocols the self-service diagnostic lists (the "8 of the 9", §0). */
export const DIAGNOSTIC_PROTOCOLS: readonly ProtocolId[] = PROTOCOL_IDS.filter((id) => PROTOCOLS[id].inDiagnostic);

export function protocolByAuthPolicySwitch(name: string): ProtocolFacts | undefined {
  const lower = name.toLowerCase();
  return Object.values(PROTOCOLS).find((p) => p.authPolicySwitch.toLowerCase() === lower);
}

/** BasicAuthBlockedApps as a number (§6.2): the OR of the flags of the blocked protocols. */
export function blockedAppsValue(blocked: Iterable<ProtocolId>): number {
  let value = 0;
  for (const id of blocked) value |= PROTOCOLS[id].blockedAppsFlag ?? 0;
  return value;
}
