// The protocol catalogue against the reference's facts, typed out here independently:
// §6.1 switches, §6.2 BasicAuthBlockedApps bits, §9.1 clientAppUsed values, §6.4 CASMailbox
// switches, §0 the diagnostic's "8 of the 9", DESIGN.md's protocol ids.
import t from 'tap';
import { blockedAppsValue, DIAGNOSTIC_PROTOCOLS, PROTOCOL_IDS, PROTOCOLS, protocolByAuthPolicySwitch } from '../../core/protocols.js';

const DESIGN_IDS = ['imap', 'pop', 'smtp', 'ews', 'eas', 'autodiscover', 'mapi', 'rpc', 'oab', 'powershell', 'reporting'];

const REFERENCE_SWITCHES = [
  'AllowBasicAuthActiveSync',
  'AllowBasicAuthAutodiscover',
  'AllowBasicAuthImap',
  'AllowBasicAuthMapi',
  'AllowBasicAuthOfflineAddressBook',
  'AllowBasicAuthOutlookService',
  'AllowBasicAuthPop',
  'AllowBasicAuthPowershell',
  'AllowBasicAuthReportingWebServices',
  'AllowBasicAuthRpc',
  'AllowBasicAuthSmtp',
  'AllowBasicAuthWebServices',
];

const REFERENCE_CLIENT_APPS = [
  'Authenticated SMTP',
  'AutoDiscover',
  'Exchange ActiveSync',
  'Exchange Online PowerShell',
  'Exchange Web Services',
  'IMAP4',
  'MAPI Over HTTP',
  'Offline Address Book',
  'Other clients',
  'Outlook Anywhere (RPC over HTTP)',
  'Outlook Service',
  'POP3',
  'Reporting Web Services',
];

t.test('every protocol id of DESIGN.md is in the catalogue, keyed by itself', async (t) => {
  for (const id of DESIGN_IDS) t.ok(PROTOCOL_IDS.includes(id as never), id);
  for (const id of PROTOCOL_IDS) t.equal(PROTOCOLS[id].id, id);
});

t.test('authentication-policy switches are exactly the reference list (plus the REST one, marked unconfirmed)', async (t) => {
  const switches = PROTOCOL_IDS.map((id) => PROTOCOLS[id].authPolicySwitch).filter((s) => s !== 'AllowBasicAuthRest');
  t.same([...switches].sort(), [...REFERENCE_SWITCHES].sort());
  t.equal(protocolByAuthPolicySwitch('allowbasicauthimap')?.id, 'imap', 'looked up case-insensitively, as PowerShell does');
});

t.test('clientAppUsed values are the real ones', async (t) => {
  for (const id of PROTOCOL_IDS) t.ok(REFERENCE_CLIENT_APPS.includes(PROTOCOLS[id].clientAppUsed), `${id}: ${PROTOCOLS[id].clientAppUsed}`);
  t.equal(PROTOCOLS.smtp.clientAppUsed, 'Authenticated SMTP', 'not "SMTP" (§9.1)');
  t.equal(PROTOCOLS.mapi.clientAppUsed, 'MAPI Over HTTP', 'not "MAPI"');
});

t.test('BasicAuthBlockedApps bits (§6.2)', async (t) => {
  t.same(
    Object.fromEntries(PROTOCOL_IDS.filter((id) => PROTOCOLS[id].blockedAppsFlag !== null).map((id) => [id, PROTOCOLS[id].blockedAppsFlag])),
    { eas: 1, ews: 2, pop: 4, imap: 8, powershell: 16, mapi: 32, oab: 64, rpc: 128 },
  );
  t.equal(blockedAppsValue(DIAGNOSTIC_PROTOCOLS), 255, '255 = all blocked');
  t.equal(blockedAppsValue([]), 0, 'None');
});

t.test("the diagnostic's 8 protocols and the Outlook group", async (t) => {
  t.same([...DIAGNOSTIC_PROTOCOLS].sort(), ['eas', 'ews', 'imap', 'mapi', 'oab', 'pop', 'powershell', 'rpc']);
  t.notOk(PROTOCOLS.smtp.inDiagnostic, 'SMTP AUTH is the ninth, outside the diagnostic');
  t.same(PROTOCOL_IDS.filter((id) => PROTOCOLS[id].diagnosticGroups.includes('outlook')).sort(), ['ews', 'mapi', 'oab', 'rpc']);
});

t.test('CASMailbox switches and OAuth permissions (§6.4, §8.2)', async (t) => {
  t.equal(PROTOCOLS.imap.casMailboxSwitch, 'ImapEnabled');
  t.equal(PROTOCOLS.pop.casMailboxSwitch, 'PopEnabled');
  t.equal(PROTOCOLS.eas.casMailboxSwitch, 'ActiveSyncEnabled');
  t.equal(PROTOCOLS.ews.casMailboxSwitch, 'EwsEnabled');
  t.equal(PROTOCOLS.mapi.casMailboxSwitch, 'MAPIEnabled');
  t.equal(PROTOCOLS.smtp.casMailboxSwitch, null, 'SMTP has its own tri-state switch');
  t.same([PROTOCOLS.imap.delegatedScope, PROTOCOLS.imap.applicationRole], ['IMAP.AccessAsUser.All', 'IMAP.AccessAsApp']);
  t.same([PROTOCOLS.pop.delegatedScope, PROTOCOLS.pop.applicationRole], ['POP.AccessAsUser.All', 'POP.AccessAsApp']);
  t.same([PROTOCOLS.smtp.delegatedScope, PROTOCOLS.smtp.applicationRole], ['SMTP.Send', 'SMTP.SendAsApp']);
  t.same([PROTOCOLS.ews.delegatedScope, PROTOCOLS.ews.applicationRole], ['EWS.AccessAsUser.All', 'full_access_as_app']);
  t.ok(Object.isFrozen(PROTOCOLS.imap), 'facts are data, frozen');
});
