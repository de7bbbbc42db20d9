// A cmdlet's change takes effect at once on the emulated clock: real SMTP AUTH and IMAP sign-ins
// answer differently right after the InvokeCommand call that changed them, and
// Get-OrganizationConfig shows Microsoft's blocks as of the emulated date.
import t from 'tap';
import { AUTH_REPLIES } from '../../servers/smtp/replies.js';
import { bootGateway } from '../helpers/gateway.js';
import { https, xoauth2 } from '../helpers/https.js';
import { imapsSession } from '../helpers/imap-wire.js';
import { adminToken, appOnlyToken, CMDLET_SEED, IMAP_APP, invoke, SMTP, smtpLogin, USERS, values } from './helpers.js';

const line = (outcome: keyof typeof AUTH_REPLIES) => `${AUTH_REPLIES[outcome].code} ${AUTH_REPLIES[outcome].enhanced} ${AUTH_REPLIES[outcome].text}`.trim();

t.test('Set-TransportConfig through InvokeCommand changes SMTP AUTH at once', async (t) => {
  const gw = await bootGateway(t, { seed: CMDLET_SEED });
  const ops = await adminToken(gw, USERS.ops);
  t.equal(await smtpLogin(gw.ports.smtp, gw.caCert, USERS.ops), SMTP.tenantDisabled, 'before: disabled for the tenant (reference §4.2)');
  t.equal(SMTP.tenantDisabled, line('smtp-auth-disabled-tenant'), "the reference's text is the reply table's");

  t.equal((await invoke(gw, ops, 'Set-TransportConfig', { SmtpClientAuthenticationDisabled: false }, { tenant: 'fabrikam.com' })).status, 200);
  t.equal(await smtpLogin(gw.ports.smtp, gw.caCert, USERS.ops), SMTP.ok, 'right after: the same password signs in');

  t.equal((await invoke(gw, ops, 'Set-TransportConfig', { SmtpClientAuthenticationDisabled: true }, { tenant: 'fabrikam.com' })).status, 200);
  t.equal(await smtpLogin(gw.ports.smtp, gw.caCert, USERS.ops), SMTP.tenantDisabled, 'and back');

  t.equal((await invoke(gw, ops, 'Set-CASMailbox', { Identity: 'ops', SmtpClientAuthenticationDisabled: false }, { tenant: 'fabrikam.com' })).status, 200);
  t.equal(await smtpLogin(gw.ports.smtp, gw.caCert, USERS.ops), SMTP.ok, "the mailbox's $false beats the tenant's switch (§6.3)");
});

t.test('an authentication policy assigned with Set-User blocks Basic at once; $null lifts it', async (t) => {
  const gw = await bootGateway(t, { seed: CMDLET_SEED });
  const alice = await adminToken(gw, USERS.alice);
  t.equal(await smtpLogin(gw.ports.smtp, gw.caCert, USERS.erin), SMTP.ok, 'before');
  t.equal((await invoke(gw, alice, 'New-AuthenticationPolicy', { Name: 'No Basic' })).status, 200);
  t.equal((await invoke(gw, alice, 'Set-User', { Identity: 'erin', AuthenticationPolicy: 'No Basic' })).status, 200);
  t.equal(await smtpLogin(gw.ports.smtp, gw.caCert, USERS.erin), SMTP.basicDisabled, 'a new policy blocks every protocol (switches default False)');
  t.equal((await invoke(gw, alice, 'Set-AuthenticationPolicy', { Identity: 'No Basic', AllowBasicAuthSmtp: true })).status, 200);
  t.equal(await smtpLogin(gw.ports.smtp, gw.caCert, USERS.erin), SMTP.ok, '-AllowBasicAuthSmtp turns SMTP back on');
  t.equal((await invoke(gw, alice, 'Set-AuthenticationPolicy', { Identity: 'No Basic', AllowBasicAuthSmtp: false })).status, 200);
  t.equal(await smtpLogin(gw.ports.smtp, gw.caCert, USERS.erin), SMTP.basicDisabled, '-AllowBasicAuthSmtp:$false off again');
  t.equal((await invoke(gw, alice, 'Set-User', { Identity: 'erin', AuthenticationPolicy: null })).status, 200);
  t.equal(await smtpLogin(gw.ports.smtp, gw.caCert, USERS.erin), SMTP.ok, '$null removes the assignment');
  t.equal((await invoke(gw, alice, 'Set-OrganizationConfig', { DefaultAuthenticationPolicy: 'No Basic' })).status, 200);
  t.equal(await smtpLogin(gw.ports.smtp, gw.caCert, USERS.erin), SMTP.basicDisabled, 'the organization default applies to users without their own');
});

/** IMAP's classic front end, where LOGIN still exists (reference §2.2). */
const CLASSIC_IMAP = '2024-03-01T00:00:00Z';

t.test('Set-CASMailbox -ImapEnabled $false: the next IMAP login is authenticated but not connected', async (t) => {
  const gw = await bootGateway(t, { seed: CMDLET_SEED, clock: CLASSIC_IMAP });
  const alice = await adminToken(gw, USERS.alice);
  const login = async () => {
    const { wire } = await imapsSession(gw.ports.imaps, gw.caCert);
    const lines = [...(await wire.command('a1', `LOGIN ${USERS.carol.upn} "${USERS.carol.password}"`)), ...(await wire.command('a2', 'SELECT INBOX'))];
    wire.end();
    return lines;
  };
  t.match(await login(), ['a1 OK LOGIN completed.', /^\*/], 'before: signed in and connected');
  t.equal((await invoke(gw, alice, 'Set-CASMailbox', { Identity: 'carol', ImapEnabled: false })).status, 200);
  t.same(await login(), ['a1 OK LOGIN completed.', 'a2 BAD User is authenticated but not connected.'], 'right after: §10.2');
  t.equal((await invoke(gw, alice, 'Set-CASMailbox', { Identity: 'carol', ImapEnabled: true })).status, 200);
  t.match((await login()).at(-1), /^a2 OK \[READ-WRITE\]/, 'and back');
});

t.test('New-ServicePrincipal and Add-MailboxPermission connect an app-only IMAP client', async (t) => {
  const gw = await bootGateway(t, { seed: CMDLET_SEED, clock: CLASSIC_IMAP });
  const alice = await adminToken(gw, USERS.alice);
  const appToken = await appOnlyToken(gw, IMAP_APP);
  const login = async () => {
    const { wire } = await imapsSession(gw.ports.imaps, gw.caCert);
    const lines = [...(await wire.command('x1', `AUTHENTICATE XOAUTH2 ${xoauth2('shared@contoso.com', appToken)}`)), ...(await wire.command('x2', 'SELECT INBOX'))];
    wire.end();
    return lines;
  };
  t.same(await login(), ['x1 OK AUTHENTICATE completed.', 'x2 BAD User is authenticated but not connected.'], 'no service principal: §8.2 symptom');
  t.equal((await invoke(gw, alice, 'New-ServicePrincipal', { AppId: IMAP_APP.clientId, ObjectId: IMAP_APP.objectId })).status, 200);
  t.same(await login(), ['x1 OK AUTHENTICATE completed.', 'x2 BAD User is authenticated but not connected.'], 'a service principal without a mailbox permission');
  t.equal((await invoke(gw, alice, 'Add-MailboxPermission', { Identity: 'shared', User: IMAP_APP.objectId, AccessRights: ['FullAccess'] })).status, 200);
  t.match((await login()).at(-1), /^x2 OK \[READ-WRITE\]/, 'FullAccess: connected');
});

t.test('Get-OrganizationConfig shows BasicAuthBlockedApps as of the emulated date', async (t) => {
  const gw = await bootGateway(t, { seed: CMDLET_SEED, clock: '2020-06-01T00:00:00Z' });
  const show = async () => {
    // tailspin follows the programme's calendar; its own admin is not needed: the control API runs as the operator.
    const res = await invoke(gw, await adminToken(gw, USERS.lee), 'Get-OrganizationConfig', {}, { tenant: 'litware.com' });
    const [litware] = values(res);
    const control = await https(gw, 'POST', '/_exogate/cmdlet', { control: true, json: { tenant: 'tailspin', line: 'Get-OrganizationConfig' } });
    return { litware, tailspin: control.json<{ value: Record<string, unknown>[] }>().value[0] };
  };
  let now = await show();
  t.match(now.litware, { BasicAuthBlockedApps: 'Pop, Imap', 'BasicAuthBlockedApps@exogate.flags': 12 }, "Microsoft's explicit blocks (smtp has no bit, §6.2)");
  t.match(now.tailspin, { BasicAuthBlockedApps: 'None', 'BasicAuthBlockedApps@exogate.flags': 0 }, 'untouched: None (§6.2)');
  await gw.clock.set('2023-02-01T00:00:00Z');
  now = await show();
  t.match(
    now.tailspin,
    { BasicAuthBlockedApps: 'ActiveSync, WebServices, Pop, Imap, Powershell, Mapi, OfflineAddressBook, Rpc', 'BasicAuthBlockedApps@exogate.flags': 255 },
    'after the permanent switch-off: every bit, in flag order (255, §6.2)',
  );
});
