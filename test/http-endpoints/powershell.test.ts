// Remote PowerShell (`/PowerShell-LiveID`): a shell for a signed-in administrator, the
// BasicAuthToOAuthConversion form (a token in the Basic password), the role check, and the
// WS-Management faults for everything the emulator does not do.
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import t, { type Test } from 'tap';
import { bootGateway } from '../helpers/gateway.js';
import { https } from '../helpers/https.js';
import { TOKEN_DIAGNOSTICS, CHALLENGES } from '../../servers/http/auth/replies.js';
import { ADMIN_APP, adminAppToken, ALICE, basic, BOB, delegatedToken, ENDPOINTS_SEED } from './seed.js';
import { COMMAND, CREATE, CREATE_MESSAGE_ID, SOAP_HEADERS, wsmanEnvelope } from './wsman.js';

const parse = (xml: string) => new XMLParser({ ignoreAttributes: false, removeNSPrefix: true }).parse(xml);

t.test('Remote PowerShell', async (t) => {
  const gw = await bootGateway(t, { seed: ENDPOINTS_SEED });
  const post = (path: string, authorization: string | undefined, body = wsmanEnvelope(CREATE), headers: Record<string, string> = SOAP_HEADERS) =>
    https(gw, 'POST', path, { body, headers: authorization ? { ...headers, authorization } : headers });
  const assertShell = (tt: Test, res: Awaited<ReturnType<typeof post>>, owner: string) => {
    tt.equal(res.status, 200);
    tt.equal(res.headers['content-type'], 'application/soap+xml;charset=UTF-8');
    tt.equal(XMLValidator.validate(res.text), true, 'well-formed XML');
    const env = parse(res.text).Envelope;
    tt.equal(env.Header.Action, 'http://schemas.xmlsoap.org/ws/2004/09/transfer/CreateResponse');
    tt.equal(env.Header.RelatesTo, CREATE_MESSAGE_ID, 'RelatesTo names the request');
    const shellId = env.Body.Shell.ShellId as string;
    tt.match(shellId, /^[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12}$/);
    tt.equal(env.Body.ResourceCreated.ReferenceParameters.SelectorSet.Selector['#text'], shellId);
    tt.equal(env.Body.ResourceCreated.ReferenceParameters.ResourceURI, 'http://schemas.microsoft.com/powershell/Microsoft.Exchange');
    tt.equal(env.Body.Shell.Owner, owner);
  };

  t.test('Basic: an administrator gets a shell', async (t) => {
    assertShell(t, await post('/PowerShell-LiveID', basic(ALICE.upn, ALICE.password)), ALICE.upn);
    assertShell(t, await post('/powershell-liveid/?PSVersion=5.1', basic(ALICE.upn, ALICE.password)), ALICE.upn);
  });

  t.test('BasicAuthToOAuthConversion=true: the Basic password is a token', async (t) => {
    const tok = await delegatedToken(gw, ALICE, 'Exchange.Manage');
    const path = '/PowerShell-LiveID?BasicAuthToOAuthConversion=true';
    assertShell(t, await post(path, basic(ALICE.upn, `Bearer ${tok}`)), ALICE.upn);
    assertShell(t, await post(path, basic(ALICE.upn, tok)), ALICE.upn);
    assertShell(t, await post(`/PowerShell-LiveID?DelegatedOrg=contoso.onmicrosoft.com&BasicAuthToOAuthConversion=true`, basic(ALICE.upn, `Bearer ${tok}`)), ALICE.upn);

    // A password where the token belongs is read as a token, and refused as one.
    const password = await post(path, basic(ALICE.upn, ALICE.password));
    t.equal(password.status, 401);
    t.equal(password.headers['www-authenticate'], CHALLENGES.badToken);
    t.equal(password.headers['x-ms-diagnostics'], TOKEN_DIAGNOSTICS.unparseable);

    // The same token for another user's name is a token naming a mailbox it has no rights on.
    t.equal((await post(path, basic(BOB.upn, `Bearer ${tok}`))).status, 403);

    // App-only: OAuthUser@<tenant id> with a token of an app holding Exchange.ManageAsApp.
    const app = await adminAppToken(gw);
    const tenantId = gw.core.directory.tenant('contoso')!.id;
    assertShell(t, await post(path, basic(`OAuthUser@${tenantId}`, `Bearer ${app}`)), ADMIN_APP);

    // Without the flag the same header is plain Basic with a token for a password: bad credentials.
    const plain = await post('/PowerShell-LiveID', basic(ALICE.upn, `Bearer ${tok}`));
    t.equal(plain.status, 401);
    t.equal(plain.headers['www-authenticate'], 'Basic Realm="",Negotiate');
  });

  t.test('a plain Bearer header works too', async (t) => {
    const tok = await delegatedToken(gw, ALICE, 'Exchange.Manage');
    assertShell(t, await post('/PowerShell-LiveID', `Bearer ${tok}`), ALICE.upn);
  });

  t.test('only administrators of the tenant get a shell', async (t) => {
    const bob = await post('/PowerShell-LiveID', basic(BOB.upn, BOB.password));
    t.equal(bob.status, 500, 'a WS-Management fault');
    t.equal(XMLValidator.validate(bob.text), true, 'well-formed XML');
    const fault = parse(bob.text).Envelope.Body.Fault;
    t.equal(fault.Code.Subcode.Value, 'w:AccessDenied');
    t.equal(fault.Reason.Text['#text'], 'The user "bob@contoso.com" isn\'t assigned to any management roles.');
    t.equal(fault.Detail.WSManFault['@_Code'], '5');
    const other = await post('/PowerShell-LiveID?DelegatedOrg=fabrikam.onmicrosoft.com', basic(ALICE.upn, ALICE.password));
    t.equal(other.status, 500, 'DelegatedOrg naming another tenant');
    t.equal(parse(other.text).Envelope.Body.Fault.Code.Subcode.Value, 'w:AccessDenied');
  });

  t.test('other actions and bad input get WS-Management faults, never a crash', async (t) => {
    const auth = basic(ALICE.upn, ALICE.password);
    const command = await post('/PowerShell-LiveID', auth, wsmanEnvelope(COMMAND, '<rsp:CommandLine xmlns:rsp="http://schemas.microsoft.com/wbem/wsman/1/windows/shell"><rsp:Command>Get-Mailbox</rsp:Command></rsp:CommandLine>'));
    t.equal(command.status, 500);
    const fault = parse(command.text).Envelope;
    t.equal(fault.Header.Action, 'http://schemas.dmtf.org/wbem/wsman/1/wsman/fault');
    t.equal(fault.Header.RelatesTo, CREATE_MESSAGE_ID);
    t.equal(fault.Body.Fault.Code.Value, 's:Sender');
    t.equal(fault.Body.Fault.Code.Subcode.Value, 'a:ActionNotSupported');
    t.match(fault.Body.Fault.Reason.Text['#text'], /exogate emulates the sign-in of Remote PowerShell/);

    for (const [name, body] of [
      ['malformed XML', '<s:Envelope><s:Header>'],
      ['not a SOAP envelope', '<hello/>'],
      ['an empty body', ''],
      ['a DTD', '<?xml version="1.0"?><!DOCTYPE s [<!ENTITY a "b">]><s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope"><s:Header/><s:Body/></s:Envelope>'],
    ] as const) {
      const res = await post('/PowerShell-LiveID', auth, body);
      t.equal(res.status, 500, name);
      t.equal(parse(res.text).Envelope.Body.Fault.Code.Subcode.Value, 'w:SchemaValidationError', name);
    }
    const huge = await post('/PowerShell-LiveID', auth, `<s:Envelope>${'x'.repeat(gw.core.limits.httpMaxSmallBodyBytes)}</s:Envelope>`);
    t.equal(huge.status, 500);
    t.equal(parse(huge.text).Envelope.Body.Fault.Code.Subcode.Value, 'w:EncodingLimit');
    t.notMatch(huge.text, /\bat .+\.js:\d+/);
    const wrongType = await post('/PowerShell-LiveID', auth, wsmanEnvelope(CREATE), { 'content-type': 'text/xml' });
    t.equal(wrongType.status, 415);
    t.equal(wrongType.text, '');
    const get = await https(gw, 'GET', '/PowerShell-LiveID', { headers: { authorization: auth } });
    t.equal(get.status, 405);
  });
});
