// Impersonation: app-only tokens (full_access_as_app) must name a mailbox in the SOAP header's
// ExchangeImpersonation and may then open any mailbox of their tenant; delegated tokens and Basic
// act on their own mailbox unless they hold FullAccess on the one they name. Each refusal is the
// fault EWS gives.
import t from 'tap';
import { bootGateway } from '../helpers/gateway.js';
import { appToken } from '../helpers/https.js';
import { all, basic, codes, envelope, EWS_APP_NO_RIGHTS, EWS_SEED, ews, ewsAppToken, ewsUserToken, faultCode, first, GET_INBOX, impersonate, rfc822, soap, textOf } from './helpers.js';

const FIND_INBOX = (header = '') =>
  envelope(`<m:FindItem Traversal="Shallow"><m:ItemShape><t:BaseShape>Default</t:BaseShape></m:ItemShape><m:ParentFolderIds><t:DistinguishedFolderId Id="inbox"/></m:ParentFolderIds></m:FindItem>`, header);

t.test('impersonation', async (t) => {
  const gw = await bootGateway(t, { seed: EWS_SEED });
  const dir = gw.core.directory;
  const una = dir.userByUpn('una@tailspin.com')!;
  const tom = dir.userByUpn('tom@tailspin.com')!;
  await gw.core.mail.deliver(una.id, Buffer.from(rfc822('tom@tailspin.com', 'una@tailspin.com', 'For Una', 'hello')));
  const app = `Bearer ${await ewsAppToken(gw)}`;
  const faultString = (res: Awaited<ReturnType<typeof ews>>) => textOf(first(soap(res), 'Fault'), 'faultstring');

  await t.test('an app-only token without ExchangeImpersonation: the captured fault', async (t) => {
    for (const headers of [{}, { 'x-anchormailbox': 'UPN:una@tailspin.com' }] as Record<string, string>[]) {
      const res = await ews(gw, app, GET_INBOX, headers);
      t.equal(res.status, 500);
      t.equal(faultCode(res), 'ErrorInvalidExchangeImpersonationHeaderData');
      t.equal(faultString(res), 'ExchangeImpersonation SOAP header must be present for this type of OAuth token.');
      t.equal(textOf(first(soap(res), 'Fault'), 'faultcode'), 'a:ErrorInvalidExchangeImpersonationHeaderData');
    }
  });

  await t.test('an app-only token impersonating a mailbox it has FullAccess on', async (t) => {
    const res = await ews(gw, app, FIND_INBOX(impersonate('una@tailspin.com')));
    t.equal(res.status, 200);
    t.same(codes(res), ['Success:NoError']);
    t.same(all(soap(res), 'Subject').map(String), ['For Una'], "Una's Inbox");
    for (const kind of ['SmtpAddress', 'PrincipalName']) {
      const header = `<t:ExchangeImpersonation><t:ConnectingSID><t:${kind}>UNA@tailspin.com</t:${kind}></t:ConnectingSID></t:ExchangeImpersonation>`;
      t.same(codes(await ews(gw, app, FIND_INBOX(header))), ['Success:NoError'], `by ${kind}, any case`);
    }
    const send = await ews(gw, app, envelope(`<m:CreateItem MessageDisposition="SendAndSaveCopy"><m:Items><t:Message><t:Subject>From the app</t:Subject><t:Body BodyType="HTML">&lt;p&gt;hi&lt;/p&gt;</t:Body><t:ToRecipients><t:Mailbox><t:EmailAddress>tom@tailspin.com</t:EmailAddress></t:Mailbox></t:ToRecipients></t:Message></m:Items></m:CreateItem>`, impersonate('una@tailspin.com')));
    t.same(codes(send), ['Success:NoError'], 'sends as the impersonated mailbox');
    const got = await gw.core.mail.messages(tom.id, 'INBOX');
    t.match(got.at(-1)!.body.toString(), /^From: "Una Tailspin" <una@tailspin.com>\r$/m);
    t.match(got.at(-1)!.body.toString(), /^Content-Type: text\/html; charset="utf-8"\r$/m);
  });

  await t.test('full_access_as_app opens every mailbox of the tenant, without Add-MailboxPermission', async (t) => {
    const tomsInbox = await ews(gw, app, FIND_INBOX(impersonate('tom@tailspin.com')));
    t.equal(tomsInbox.status, 200);
    t.same(codes(tomsInbox), ['Success:NoError'], 'no mailbox permission was granted on tom');
    const noRights = `Bearer ${await ewsAppToken(gw, EWS_APP_NO_RIGHTS, 'ews-secret-2')}`;
    t.same(codes(await ews(gw, noRights, FIND_INBOX(impersonate('una@tailspin.com')))), ['Success:NoError'], 'an app whose service principal has no permission at all');
  });

  await t.test('refusals: no such mailbox, another tenant, EWS off, no full_access_as_app', async (t) => {

    for (const address of ['nobody@tailspin.com', 'alice@contoso.com']) {
      const res = await ews(gw, app, FIND_INBOX(impersonate(address)));
      t.equal(res.status, 500);
      t.equal(faultCode(res), 'ErrorNonExistentMailbox', address);
      t.equal(faultString(res), 'The SMTP address has no mailbox associated with it.');
      t.equal(textOf(first(soap(res), 'MessageXml'), 'Value'), address);
    }

    const ewsOff = await ews(gw, app, FIND_INBOX(impersonate('vic@tailspin.com')));
    t.equal(ewsOff.status, 403, 'Set-CASMailbox -EwsEnabled $false: the HTTP table\'s 403');
    t.match(ewsOff.text, /403 - Forbidden/);

    const empty = await ews(gw, app, FIND_INBOX('<t:ExchangeImpersonation><t:ConnectingSID/></t:ExchangeImpersonation>'));
    t.equal(faultCode(empty), 'ErrorInvalidExchangeImpersonationHeaderData', 'a header naming nobody');

    const imapApp = await appToken(gw);
    const wrongRole = await ews(gw, `Bearer ${imapApp}`, FIND_INBOX(impersonate('alice@contoso.com')));
    t.equal(wrongRole.status, 401, 'an app token without full_access_as_app never gets past the gate');
    t.match(wrongRole.headers['x-ms-diagnostics'], /^2000008;/);
  });

  await t.test('delegated tokens and Basic: their own mailbox, others only with FullAccess', async (t) => {
    const user = `Bearer ${await ewsUserToken(gw, 'tom@tailspin.com', 'Tom-Passw0rd!')}`;
    t.same(codes(await ews(gw, user, FIND_INBOX(impersonate('tom@tailspin.com')))), ['Success:NoError'], 'naming oneself');
    t.equal(faultCode(await ews(gw, user, FIND_INBOX(impersonate('una@tailspin.com')))), 'ErrorImpersonateUserDenied');
    const tomBasic = basic('tom@tailspin.com', 'Tom-Passw0rd!');
    t.equal(faultCode(await ews(gw, tomBasic, FIND_INBOX(impersonate('una@tailspin.com')))), 'ErrorImpersonateUserDenied');
    const vic = await ews(gw, basic('vic@tailspin.com', 'Vic-Passw0rd!'), GET_INBOX);
    t.equal(vic.status, 403, 'EwsEnabled $false on one\'s own mailbox: the gate\'s 403');

    const tenant = dir.tenant('tailspin')!;
    await dir.write((w) => w.addMailboxPermission(tenant, { mailboxUserId: una.id, trustee: tom.id, rights: 'FullAccess' }, Date.now()));
    const viaToken = await ews(gw, user, FIND_INBOX(impersonate('una@tailspin.com')));
    t.same(all(soap(viaToken), 'Subject').map(String), ['For Una'], 'a token with FullAccess');
    const viaBasic = await ews(gw, tomBasic, FIND_INBOX(impersonate('una@tailspin.com')));
    t.same(all(soap(viaBasic), 'Subject').map(String), ['For Una'], 'Basic with FullAccess');
    const delegate = await ews(gw, user, envelope(`<m:FindItem Traversal="Shallow"><m:ItemShape><t:BaseShape>Default</t:BaseShape></m:ItemShape><m:ParentFolderIds><t:DistinguishedFolderId Id="inbox"><t:Mailbox><t:EmailAddress>una@tailspin.com</t:EmailAddress></t:Mailbox></t:DistinguishedFolderId></m:ParentFolderIds></m:FindItem>`));
    t.same(all(soap(delegate), 'Subject').map(String), ['For Una'], 'delegate access through DistinguishedFolderId/Mailbox');
    const noDelegate = await ews(gw, `Bearer ${await ewsUserToken(gw, 'wes@tailspin.com', 'Wes-Passw0rd!')}`, envelope(`<m:GetFolder><m:FolderShape><t:BaseShape>IdOnly</t:BaseShape></m:FolderShape><m:FolderIds><t:DistinguishedFolderId Id="inbox"><t:Mailbox><t:EmailAddress>una@tailspin.com</t:EmailAddress></t:Mailbox></t:DistinguishedFolderId></m:FolderIds></m:GetFolder>`));
    t.same(codes(noDelegate), ['Error:ErrorAccessDenied'], 'delegate access without FullAccess');
  });
});
