// The admin REST API (InvokeCommand) over real HTTPS: who may call it (tokens only, the tenant's
// administrators, never another tenant), every cmdlet, every error text, and bodies it cannot read.
import t from 'tap';
import { CHALLENGES, TOKEN_DIAGNOSTICS } from '../../servers/http/auth/replies.js';
import { bootGateway } from '../helpers/gateway.js';
import { https } from '../helpers/https.js';
import { adminToken, appOnlyToken, CMDLET_SEED, errorText, invoke, MANAGE_APP, NO_SP_APP, USERS, values, type ODataError } from './helpers.js';

const NOT_FOUND = /^The operation couldn't be performed because object '(.+)' couldn't be found on '[A-Z0-9]+DC\d{3}\.[A-Z0-9]+\.PROD\.OUTLOOK\.COM'\.$/;
const ODATA_EXCEPTION = 'Microsoft.Exchange.Admin.OData.Core.ODataServiceException';
const NO_STACK = /\bat .+\.(js|ts):\d+/;

t.test('InvokeCommand', async (t) => {
  const gw = await bootGateway(t, { seed: CMDLET_SEED });
  const alice = await adminToken(gw, USERS.alice);

  await t.test('success: OData JSON the V3 module reads', async (t) => {
    const res = await invoke(gw, alice, 'Get-OrganizationConfig');
    t.equal(res.status, 200);
    t.match(res.headers['content-type'], /^application\/json;odata\.metadata=minimal/);
    const body = res.json<Record<string, unknown>>();
    t.equal(body['@odata.context'], `https://127.0.0.1:${gw.ports.https}/adminapi/beta/contoso.com/$metadata#Collection(Exchange.GenericHashTable)`);
    t.equal(body['adminapi.warnings@odata.type'], '#Collection(String)');
    t.same(body['@adminapi.warnings'], []);
    t.match(values(res), [{ Name: 'contoso.onmicrosoft.com', IsDehydrated: false, BasicAuthBlockedApps: 'None', 'BasicAuthBlockedApps@exogate.flags': 0, DefaultAuthenticationPolicy: null }]);
    t.match(res.headers['x-feserver'], /^[A-Z]{2}\d/, "Exchange's front-end headers");
    t.equal(res.headers['x-backendhttpstatus'], '200');
  });

  await t.test('the tenant in the path may be its GUID, name or any domain', async (t) => {
    const tenant = gw.core.directory.tenant('contoso')!;
    for (const name of [tenant.id, 'contoso', 'contoso.onmicrosoft.com', 'CONTOSO.COM']) {
      t.equal((await invoke(gw, alice, 'Get-TransportConfig', {}, { tenant: name })).status, 200, name);
    }
  });

  await t.test('who may call', async (t) => {
    const basic = `Basic ${Buffer.from(`${USERS.alice.upn}:${USERS.alice.password}`).toString('base64')}`;
    const refusedBasic = await invoke(gw, '', 'Get-OrganizationConfig', {}, { authorization: basic });
    t.equal(refusedBasic.status, 401, 'Basic, even with the right password: the V3 API takes tokens only');
    t.equal(refusedBasic.headers['www-authenticate'], CHALLENGES.none, 'the challenge asks for a Bearer token');
    t.equal(refusedBasic.text, '', 'and no body');

    const none = await https(gw, 'POST', '/adminapi/beta/contoso.com/InvokeCommand', { json: { CmdletInput: { CmdletName: 'Get-OrganizationConfig' } } });
    t.equal(none.status, 401, 'no credentials');
    t.equal(none.headers['www-authenticate'], CHALLENGES.none);

    const garbage = await invoke(gw, 'not.a.token', 'Get-OrganizationConfig');
    t.equal(garbage.status, 401, 'a token that cannot be parsed');
    t.equal(garbage.headers['x-ms-diagnostics'], TOKEN_DIAGNOSTICS.unparseable);

    const imapOnly = await adminToken(gw, USERS.alice, 'https://outlook.office365.com/IMAP.AccessAsUser.All');
    const noScope = await invoke(gw, imapOnly, 'Get-OrganizationConfig');
    t.equal(noScope.status, 401, 'a token without Exchange.Manage');
    t.equal(noScope.headers['x-ms-diagnostics'], TOKEN_DIAGNOSTICS['no-permission']);

    const graph = await adminToken(gw, USERS.alice, 'https://graph.microsoft.com/User.Read');
    const wrongAudience = await invoke(gw, graph, 'Get-OrganizationConfig');
    t.equal(wrongAudience.status, 401, 'a Graph token');
    t.equal(wrongAudience.headers['x-ms-diagnostics'], TOKEN_DIAGNOSTICS['wrong-audience']);

    const notAllowed = (res: Awaited<ReturnType<typeof invoke>>, cmdlet: string, why: string) => {
      t.equal(res.status, 401, `${why}: 401`);
      t.same(res.json(), { error: { code: 'Unauthorized', message: `User is not allowed to call ${cmdlet}`, innererror: { message: `User is not allowed to call ${cmdlet}`, type: ODATA_EXCEPTION } } }, `${why}: RBAC's refusal`);
      t.equal(res.headers['www-authenticate'], undefined, `${why}: signed in, so no challenge`);
    };
    notAllowed(await invoke(gw, await adminToken(gw, USERS.bob), 'Get-OrganizationConfig'), 'Get-OrganizationConfig', 'a user with no admin role');
    const gina = await adminToken(gw, USERS.gina);
    t.equal((await invoke(gw, gina, 'Get-CASMailbox', { Identity: 'bob' })).status, 200, 'a Global Reader runs Get- cmdlets');
    notAllowed(await invoke(gw, gina, 'Set-CASMailbox', { Identity: 'bob', ImapEnabled: false }), 'Set-CASMailbox', 'a Global Reader changing something');
    t.equal((await invoke(gw, await adminToken(gw, USERS.exa), 'Set-TransportConfig', { SmtpClientAuthenticationDisabled: false })).status, 200, 'an Exchange Administrator');

    const ops = await adminToken(gw, USERS.ops);
    notAllowed(await invoke(gw, alice, 'Get-OrganizationConfig', {}, { tenant: 'fabrikam.com' }), 'Get-OrganizationConfig', "contoso's admin at fabrikam's URL");
    notAllowed(await invoke(gw, ops, 'Set-TransportConfig', { SmtpClientAuthenticationDisabled: true }, { tenant: 'contoso.com' }), 'Set-TransportConfig', "fabrikam's admin at contoso's URL");
    notAllowed(await invoke(gw, alice, 'Get-OrganizationConfig', {}, { tenant: 'nowhere.example' }), 'Get-OrganizationConfig', 'a tenant that does not exist');
    t.equal(gw.core.directory.tenant('contoso')!.org.get('smtpClientAuthenticationDisabled', gw.clock.now().getTime()), false, "contoso's setting untouched");

    t.equal((await invoke(gw, await appOnlyToken(gw, MANAGE_APP), 'Get-OrganizationConfig')).status, 200, 'an app-only token with Exchange.ManageAsApp and a service principal');
    notAllowed(await invoke(gw, await appOnlyToken(gw, NO_SP_APP), 'Get-OrganizationConfig'), 'Get-OrganizationConfig', 'an app-only token whose app has no service principal');

    const expiring = await adminToken(gw, USERS.alice);
    await gw.clock.advance('2h');
    const expired = await invoke(gw, expiring, 'Get-OrganizationConfig');
    t.equal(expired.status, 401, 'an expired token');
    t.equal(expired.headers['x-ms-diagnostics'], TOKEN_DIAGNOSTICS.expired);
  });
});

t.test('each cmdlet through InvokeCommand', async (t) => {
  const gw = await bootGateway(t, { seed: CMDLET_SEED, freezeClock: true });
  const alice = await adminToken(gw, USERS.alice);
  const run = (cmdlet: string, parameters: Record<string, unknown> = {}, tenant?: string, as = alice) => invoke(gw, as, cmdlet, parameters, { tenant });
  const ok = async (cmdlet: string, parameters: Record<string, unknown> = {}, tenant?: string, as = alice) => {
    const res = await run(cmdlet, parameters, tenant, as);
    t.equal(res.status, 200, `${cmdlet} ${JSON.stringify(parameters)}: 200 ${res.status === 200 ? '' : res.text}`);
    return values(res);
  };
  const fails = async (cmdlet: string, parameters: Record<string, unknown>, status: number, text: string | RegExp, tenant?: string, as = alice) => {
    const res = await run(cmdlet, parameters, tenant, as);
    t.equal(res.status, status, `${cmdlet} ${JSON.stringify(parameters)}: ${status}`);
    if (typeof text === 'string') t.equal(errorText(res), text, `${cmdlet}: the text`);
    else t.match(errorText(res), text, `${cmdlet}: the text`);
    t.notMatch(res.text, NO_STACK, 'no stack trace');
    return res.json<ODataError>();
  };

  await t.test('Get-/Set-TransportConfig', async () => {
    t.match(await ok('Get-TransportConfig'), [{ SmtpClientAuthenticationDisabled: false, SmtpBasicAuthReEnabled: false }]);
    t.same(await ok('Set-TransportConfig', { SmtpClientAuthenticationDisabled: true, SmtpBasicAuthReEnabled: true }), [], 'Set- returns nothing');
    t.match(await ok('Get-TransportConfig'), [{ SmtpClientAuthenticationDisabled: true, SmtpBasicAuthReEnabled: true }]);
    await ok('Set-TransportConfig', { SmtpClientAuthenticationDisabled: false, SmtpBasicAuthReEnabled: false });
    await fails('Set-TransportConfig', { SmtpClientAuthenticationDisabled: 'maybe' }, 400, /^Cannot process argument transformation on parameter 'SmtpClientAuthenticationDisabled'\./);
  });

  await t.test('Get-OrganizationConfig shows the blocked apps; they are read-only', async () => {
    t.match(await ok('Get-OrganizationConfig', {}, 'litware.com', await adminToken(gw, USERS.lee)), [{ BasicAuthBlockedApps: 'Pop, Imap', 'BasicAuthBlockedApps@exogate.flags': 12 }]);
    const error = await fails(
      'Set-OrganizationConfig',
      { BasicAuthBlockedApps: 'None' },
      400,
      'Parameter set cannot be resolved using the specified named parameters. Invalid cmdlet parameters specified. BasicAuthBlockedApps',
    );
    t.same(error.error.details, [
      {
        code: 'Client',
        target: '',
        message:
          '|Microsoft.Exchange.AdminApi.CommandInvocation.AmbiguousParameterSetException|Parameter set cannot be resolved using the specified named parameters. Invalid cmdlet parameters specified. BasicAuthBlockedApps',
      },
    ]);
    t.match(error, { error: { code: 'BadRequest', message: 'Invalid Operation', innererror: { type: ODATA_EXCEPTION, stacktrace: '' } } }, 'the captured error envelope');
    await fails('Set-OrganizationConfig', { IsDehydrated: true }, 400, /Invalid cmdlet parameters specified\. IsDehydrated$/);
  });

  await t.test('New-/Get-/Set-/Remove-AuthenticationPolicy, Set-OrganizationConfig -DefaultAuthenticationPolicy, Set-User', async () => {
    const [created] = await ok('New-AuthenticationPolicy', { Name: 'Block Basic', AllowBasicAuthImap: true });
    t.match(created, { Name: 'Block Basic', AllowBasicAuthImap: true, AllowBasicAuthPop: false, AllowBasicAuthSmtp: false, AllowBasicAuthWebServices: false }, 'switches default to False');
    t.match(created.DistinguishedName, /^CN=Block Basic,CN=Auth Policies,CN=Configuration,CN=contoso\.onmicrosoft\.com,CN=ConfigurationUnits,DC=NAMPR\d\dA\d{3},DC=PROD,DC=OUTLOOK,DC=COM$/, '§6.1 DN form');
    t.equal(Object.keys(created).filter((k) => k.startsWith('AllowBasicAuth')).length, 12, "the 12 switches of Exchange Online's cmdlet");
    await fails('New-AuthenticationPolicy', { Name: 'block basic' }, 400, /^Active Directory operation failed on .+\. The object 'CN=block basic,CN=Auth Policies,.+' already exists\.$/);
    await ok('Set-AuthenticationPolicy', { Identity: 'Block Basic', AllowBasicAuthImap: false, AllowBasicAuthSmtp: true });
    t.match(await ok('Get-AuthenticationPolicy', { Identity: 'block basic' }), [{ Name: 'Block Basic', AllowBasicAuthImap: false, AllowBasicAuthSmtp: true }], 'Set- changed only the named switches');
    await fails('Get-AuthenticationPolicy', { Identity: 'Nope' }, 404, NOT_FOUND);
    const notFound = (await run('Get-AuthenticationPolicy', { Identity: 'Nope' })).json<ODataError>();
    t.match(notFound, { error: { code: 'NotFound', message: 'Error executing cmdlet' } }, 'the captured 404 envelope');
    t.match(notFound.error.details![0].message, /^Ex6F9304\|Microsoft\.Exchange\.Configuration\.Tasks\.ManagementObjectNotFoundException\|The operation couldn't be performed because object 'Nope'/);
    await fails('Set-AuthenticationPolicy', { Identity: 'Block Basic', Name: 'Renamed' }, 400, /Invalid cmdlet parameters specified\. Name$/);

    await ok('Set-User', { Identity: 'bob', AuthenticationPolicy: 'Block Basic' });
    t.match(await ok('Get-User', { Identity: 'bob@contoso.com' }), [{ UserPrincipalName: 'bob@contoso.com', AuthenticationPolicy: 'Block Basic' }]);
    await fails('Set-User', { Identity: 'bob', AuthenticationPolicy: 'Nope' }, 404, NOT_FOUND);
    await fails('Set-User', { Identity: 'nobody', AuthenticationPolicy: null }, 404, /^The operation couldn't be performed because object 'nobody' couldn't be found on /);
    await ok('Set-OrganizationConfig', { DefaultAuthenticationPolicy: 'Block Basic' });
    t.match(await ok('Get-OrganizationConfig'), [{ DefaultAuthenticationPolicy: 'Block Basic' }]);
    await fails('Remove-AuthenticationPolicy', { Identity: 'Block Basic' }, 400, /^The authentication policy 'Block Basic' can't be removed because it's assigned/);
    await ok('Set-OrganizationConfig', { DefaultAuthenticationPolicy: null });
    await ok('Set-User', { Identity: 'bob', AuthenticationPolicy: null });
    t.match(await ok('Get-User', { Identity: 'bob' }), [{ AuthenticationPolicy: null }], '$null removes the assignment');
    await ok('Remove-AuthenticationPolicy', { Identity: 'Block Basic', Confirm: false });
    t.same(await ok('Get-AuthenticationPolicy'), [], 'removed');
    t.ok((await ok('Get-User')).length >= 7, 'Get-User lists every user');
    t.equal((await ok('Get-User', { ResultSize: 2 })).length, 2, '-ResultSize');
  });

  await t.test('Get-/Set-CASMailbox', async () => {
    t.match(await ok('Get-CASMailbox', { Identity: 'Carol Jones' }), [
      { Name: 'carol', PrimarySmtpAddress: 'carol@contoso.com', ActiveSyncEnabled: true, PopEnabled: true, ImapEnabled: true, MAPIEnabled: true, EwsEnabled: true, SmtpClientAuthenticationDisabled: null },
    ], 'by display name');
    await ok('Set-CASMailbox', { Identity: 'carol', ImapEnabled: false, PopEnabled: false, SmtpClientAuthenticationDisabled: true });
    t.match(await ok('Get-CASMailbox', { Identity: 'carol' }), [{ ImapEnabled: false, PopEnabled: false, EwsEnabled: true, SmtpClientAuthenticationDisabled: true }]);
    await ok('Set-CASMailbox', { Identity: 'carol', ImapEnabled: true, PopEnabled: true, SmtpClientAuthenticationDisabled: null });
    t.match(await ok('Get-CASMailbox', { Identity: 'carol' }), [{ ImapEnabled: true, SmtpClientAuthenticationDisabled: null }], 'tri-state back to $null');
    await fails('Set-CASMailbox', { ImapEnabled: false }, 400, 'Cannot process command because of one or more missing mandatory parameters: Identity.');
  });

  await t.test('New-/Get-ServicePrincipal, Add-/Get-MailboxPermission', async () => {
    const [sp] = await ok('New-ServicePrincipal', { AppId: '00000000-0000-0000-0000-0000000000C4', ServiceId: '00000000-0000-0000-0000-0000000000d4', DisplayName: 'Mail Daemon SP' });
    t.match(sp, { AppId: '00000000-0000-0000-0000-0000000000c4', ObjectId: '00000000-0000-0000-0000-0000000000d4', DisplayName: 'Mail Daemon SP' });
    await fails('New-ServicePrincipal', { AppId: '00000000-0000-0000-0000-0000000000c4', ObjectId: '00000000-0000-0000-0000-0000000000e4' }, 400, /already exists/);
    await fails('New-ServicePrincipal', { AppId: 'not-a-guid', ObjectId: '00000000-0000-0000-0000-0000000000e4' }, 400, /to type "System.Guid"/);
    t.match(await ok('Get-ServicePrincipal', { Identity: 'Mail Daemon SP' }), [{ AppId: '00000000-0000-0000-0000-0000000000c4' }]);
    t.equal((await ok('Get-ServicePrincipal')).length, 2, 'the seeded one and the new one');
    const [granted] = await ok('Add-MailboxPermission', { Identity: 'shared', User: '00000000-0000-0000-0000-0000000000d4', AccessRights: ['FullAccess'], InheritanceType: 'All' });
    t.match(granted, { Identity: 'shared@contoso.com', User: '00000000-0000-0000-0000-0000000000d4', AccessRights: ['FullAccess'], 'AccessRights@odata.type': '#Collection(String)' });
    await ok('Add-MailboxPermission', { Identity: 'shared', User: 'bob', AccessRights: 'ReadPermission' });
    const listed = await ok('Get-MailboxPermission', { Identity: 'shared@contoso.com' });
    t.same(listed.map((r) => [r.User, r.AccessRights]), [
      ['NT AUTHORITY\\SELF', ['FullAccess', 'ReadPermission']],
      ['00000000-0000-0000-0000-0000000000d4', ['FullAccess']],
      ['bob@contoso.com', ['ReadPermission']],
    ]);
    t.equal((await ok('Get-MailboxPermission', { Identity: 'shared', User: 'bob' })).length, 1, '-User filters');
    await fails('Add-MailboxPermission', { Identity: 'shared', User: 'bob', AccessRights: ['Owner'] }, 400, /Unable to match the identifier name Owner to a valid enumerator name/);
    await fails('Add-MailboxPermission', { Identity: 'shared', User: 'nobody', AccessRights: ['FullAccess'] }, 404, NOT_FOUND);
    await ok('Add-RecipientPermission', { Identity: 'shared', Trustee: 'bob', AccessRights: ['SendAs'] });
    t.match(await ok('Get-MailboxPermission', { Identity: 'shared', User: 'bob' }), [{ AccessRights: ['ReadPermission', 'SendAs'] }]);
  });

  await t.test('identity errors and unknown cmdlets', async () => {
    await gw.seed({ tenants: [{ name: 'contoso', users: [{ upn: 'sam@contoso.com', displayName: 'Sam' }, { upn: 'samuel@contoso.com', displayName: 'Sam' }] }] });
    await fails('Get-User', { Identity: 'Sam' }, 400, "The operation couldn't be performed because 'Sam' matches multiple entries.");
    const unknown = await fails(
      'Get-Frobnicator',
      {},
      400,
      "The term 'Get-Frobnicator' is not recognized as a name of a cmdlet, function, script file, or executable program.\nCheck the spelling of the name, or if a path was included, verify that the path is correct and try again.",
    );
    t.equal(unknown.error.innererror.internalexception?.type, 'System.Management.Automation.CommandNotFoundException');
  });

  await t.test('a dehydrated organization: customizations wait for Enable-OrganizationCustomization, which runs once', async () => {
    const ops = await adminToken(gw, USERS.ops);
    const dehydrated = "The command you tried to run isn't currently allowed in your organization. To run this command, you first need to run the command: Enable-OrganizationCustomization.";
    t.match(await ok('Get-OrganizationConfig', {}, 'fabrikam.com', ops), [{ IsDehydrated: true }]);
    await fails('New-AuthenticationPolicy', { Name: 'No Basic' }, 400, dehydrated, 'fabrikam.com', ops);
    t.same(await ok('Get-AuthenticationPolicy', {}, 'fabrikam.com', ops), [], 'Get- works, and nothing was created');
    t.same(await ok('Enable-OrganizationCustomization', {}, 'fabrikam.com', ops), []);
    t.match(await ok('Get-OrganizationConfig', {}, 'fabrikam.com', ops), [{ IsDehydrated: false }]);
    await ok('New-AuthenticationPolicy', { Name: 'No Basic' }, 'fabrikam.com', ops);
    await fails('Enable-OrganizationCustomization', {}, 400, 'This operation is not required. Organization is already enabled for customization.', 'fabrikam.com', ops);
  });
});

t.test('bodies InvokeCommand cannot read get its error JSON, never a crash', async (t) => {
  const gw = await bootGateway(t, { seed: CMDLET_SEED });
  const alice = await adminToken(gw, USERS.alice);
  const post = (body: string | Buffer, contentType?: string) =>
    https(gw, 'POST', '/adminapi/beta/contoso.com/InvokeCommand', { body, headers: { authorization: `Bearer ${alice}`, ...(contentType ? { 'content-type': contentType } : {}) } });
  const cases: [string, string | Buffer, string | undefined, number][] = [
    ['malformed JSON', '{"CmdletInput": {"CmdletName": "Get-User",', 'application/json', 400],
    ['JSON that is not a CmdletInput', '{"Cmdlet": "Get-User"}', 'application/json', 400],
    ['a CmdletInput without a name', '{"CmdletInput": {"Parameters": {}}}', 'application/json', 400],
    ['Parameters that are not an object', '{"CmdletInput": {"CmdletName": "Get-User", "Parameters": ["a"]}}', 'application/json', 400],
    ['a JSON array', '[1,2,3]', 'application/json', 400],
    ['the wrong content type', '{"CmdletInput": {"CmdletName": "Get-User"}}', 'text/plain', 400],
    ['no content type', '{"CmdletInput": {"CmdletName": "Get-User"}}', undefined, 400],
    ['XML', '<CmdletInput/>', 'application/xml', 400],
    ['a huge body', Buffer.alloc(gw.core.limits.httpMaxSmallBodyBytes + 1024, 0x20), 'application/json', 413],
  ];
  for (const [name, body, type, status] of cases) {
    const res = await post(body, type);
    t.equal(res.status, status, `${name}: ${status}`);
    t.match(res.headers['content-type'], /^application\/json/, `${name}: JSON`);
    const error = res.json<ODataError>().error;
    t.match(error, { code: status === 413 ? 'RequestEntityTooLarge' : 'BadRequest', message: String, innererror: { type: ODATA_EXCEPTION, stacktrace: '' } }, `${name}: the API's error shape`);
    t.notMatch(res.text, NO_STACK, `${name}: no stack trace`);
  }
  t.equal((await invoke(gw, alice, 'Get-OrganizationConfig')).status, 200, 'the API still answers');
});
