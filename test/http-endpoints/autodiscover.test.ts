// Autodiscover: POX behind the sign-in gate (Outlook and mobilesync providers, unknown
// mailboxes, malformed requests) and the unauthenticated JSON v2 endpoint (reference §5.5).
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import t from 'tap';
import { bootGateway } from '../helpers/gateway.js';
import { https } from '../helpers/https.js';
import { MAX_REDIRECT_COUNT, NS, POX_ERRORS, V2_PROTOCOL_LIST } from '../../servers/http/autodiscover/replies.js';
import { adminAppToken, ALICE, basic, BOB, delegatedToken, ENDPOINTS_SEED, OPS } from './seed.js';

const parse = (xml: string) => new XMLParser({ ignoreAttributes: false, removeNSPrefix: false }).parse(xml);

const outlookRequest = (email: string, schema: string = NS.outlookResponse) => `<?xml version="1.0" encoding="utf-8"?>
<Autodiscover xmlns="${NS.outlookRequest}">
  <Request>
    <EMailAddress>${email}</EMailAddress>
    <AcceptableResponseSchema>${schema}</AcceptableResponseSchema>
  </Request>
</Autodiscover>`;

const mobileRequest = (email: string) => `<?xml version="1.0" encoding="utf-8"?>
<Autodiscover xmlns="${NS.mobileRequest}">
  <Request>
    <EMailAddress>${email}</EMailAddress>
    <AcceptableResponseSchema>${NS.mobileResponse}</AcceptableResponseSchema>
  </Request>
</Autodiscover>`;

t.test('POX', async (t) => {
  const gw = await bootGateway(t, { seed: ENDPOINTS_SEED });
  const host = `127.0.0.1:${gw.ports.https}`;
  const base = `https://${host}`;
  const aliceHeaders = { authorization: basic(ALICE.upn, ALICE.password), 'content-type': 'text/xml', host };
  const post = (body: string, headers: Record<string, string> = aliceHeaders) => https(gw, 'POST', '/autodiscover/autodiscover.xml', { body, headers });

  t.test('the Outlook provider points at exogate, with mapiHttp when the client asks', async (t) => {
    const res = await post(outlookRequest(ALICE.upn), { ...aliceHeaders, 'x-mapihttpcapability': '1' });
    t.equal(res.status, 200);
    t.equal(res.headers['content-type'], 'text/xml; charset=utf-8');
    t.ok(res.headers['x-feserver'], 'the front end names itself');
    t.equal(XMLValidator.validate(res.text), true, 'well-formed XML');
    const doc = parse(res.text);
    t.equal(doc.Autodiscover['@_xmlns'], NS.response);
    const response = doc.Autodiscover.Response;
    t.equal(response['@_xmlns'], NS.outlookResponse);
    t.equal(response.User.DisplayName, 'Alice Wilber');
    t.equal(response.User.AutoDiscoverSMTPAddress, ALICE.upn);
    t.equal(response.User.DeploymentId, gw.core.directory.tenant('contoso')!.id);
    t.match(response.User.LegacyDN, /^\/o=ExchangeLabs\/ou=Exchange Administrative Group \(FYDIBOHF23SPDLT\)\/cn=Recipients\/cn=[0-9a-f]{32}-alice$/);
    const protocols = response.Account.Protocol as Record<string, unknown>[];
    const exch = protocols.find((p) => p.Type === 'EXCH')!;
    const expr = protocols.find((p) => p.Type === 'EXPR')!;
    const mapi = protocols.find((p) => p['@_Type'] === 'mapiHttp') as { MailStore: { ExternalUrl: string }; AddressBook: { ExternalUrl: string } };
    t.equal(exch.EwsUrl, `${base}/EWS/Exchange.asmx`);
    t.equal(expr.EwsUrl, `${base}/EWS/Exchange.asmx`);
    t.equal(expr.Server, host);
    t.match(exch.OABUrl, new RegExp(`^${base}/OAB/[0-9a-f-]{36}/$`));
    const aliceId = gw.core.directory.userByUpn(ALICE.upn)!.id;
    t.equal(mapi.MailStore.ExternalUrl, `${base}/mapi/emsmdb/?MailboxId=${aliceId}%40contoso.com`);
    t.equal(mapi.AddressBook.ExternalUrl, `${base}/mapi/nspi/?MailboxId=${aliceId}%40contoso.com`);

    const plain = parse((await post(outlookRequest(ALICE.upn))).text).Autodiscover.Response.Account.Protocol as Record<string, unknown>[];
    t.same(
      plain.map((p) => p.Type),
      ['EXCH', 'EXPR'],
      'no mapiHttp block without X-MapiHttpCapability',
    );
  });

  t.test('a mailbox of the same tenant is found by any of its domains; another tenant is not found', async (t) => {
    const other = parse((await post(outlookRequest('bob@contoso.onmicrosoft.com'))).text);
    t.equal(other.Autodiscover.Response.User.AutoDiscoverSMTPAddress, BOB.upn);
    for (const email of ['nobody@contoso.com', OPS.upn, 'someone@example.org']) {
      const res = await post(outlookRequest(email));
      t.equal(res.status, 200, `${email}: HTTP 200`);
      const error = parse(res.text).Autodiscover.Response.Error;
      t.equal(error.ErrorCode, POX_ERRORS.notFound.code);
      t.equal(error.Message, "The email address can't be found.");
      t.match(error['@_Time'], /^\d\d:\d\d:\d\d\.\d{7}$/);
      t.match(error['@_Id'], /^\d+$/);
    }
  });

  t.test('the mobilesync provider answers the ActiveSync URL', async (t) => {
    const res = await post(mobileRequest(ALICE.upn));
    t.equal(res.status, 200);
    const response = parse(res.text).Autodiscover.Response;
    t.equal(response['@_xmlns'], NS.mobileResponse);
    t.equal(response.Culture, 'en:us');
    t.same(response.User, { DisplayName: 'Alice Wilber', EMailAddress: ALICE.upn });
    t.same(response.Action.Settings.Server, { Type: 'MobileSync', Url: `${base}/Microsoft-Server-ActiveSync`, Name: `${base}/Microsoft-Server-ActiveSync` });
  });

  t.test('a token signs in too (any Exchange token, its own mailbox)', async (t) => {
    const tok = await delegatedToken(gw, BOB);
    const res = await post(outlookRequest(BOB.upn), { authorization: `Bearer ${tok}`, 'content-type': 'text/xml', host });
    t.equal(res.status, 200);
    t.equal(parse(res.text).Autodiscover.Response.User.AutoDiscoverSMTPAddress, BOB.upn);
  });

  t.test('an app-only token with full_access_as_app autodiscovers any mailbox of its tenant', async (t) => {
    const app = await adminAppToken(gw);
    const res = await post(outlookRequest(ALICE.upn), { authorization: `Bearer ${app}`, 'content-type': 'text/xml', host });
    t.equal(res.status, 200);
    t.equal(parse(res.text).Autodiscover.Response.User.AutoDiscoverSMTPAddress, ALICE.upn);
    const other = await post(outlookRequest(OPS.upn), { authorization: `Bearer ${app}`, 'content-type': 'text/xml', host });
    t.equal(parse(other.text).Autodiscover.Response.Error.ErrorCode, 500, "another tenant's mailbox is not found");
  });

  t.test('bad requests get ErrorCode 600 "Invalid Request" with HTTP 200', async (t) => {
    const cases: [string, string | Buffer][] = [
      ['malformed XML', '<Autodiscover><Request><EMailAddress>alice@contoso.com</Request>'],
      ['not XML at all', '{"EMailAddress":"alice@contoso.com"}'],
      ['an empty body', ''],
      ['no EMailAddress', outlookRequest('').replace('<EMailAddress></EMailAddress>', '')],
      ['a DTD (entity expansion)', `<?xml version="1.0"?><!DOCTYPE a [<!ENTITY x "alice@contoso.com">]><Autodiscover xmlns="${NS.outlookRequest}"><Request><EMailAddress>&x;</EMailAddress><AcceptableResponseSchema>${NS.outlookResponse}</AcceptableResponseSchema></Request></Autodiscover>`],
      ['binary garbage', Buffer.from([0, 1, 2, 0xff, 0xfe, 0x3c])],
      ['a body over the limit', `<Autodiscover>${'x'.repeat(gw.core.limits.httpMaxSmallBodyBytes + 1)}</Autodiscover>`],
    ];
    for (const [name, body] of cases) {
      const res = await post(body as string);
      t.equal(res.status, 200, `${name}: HTTP 200`);
      const error = parse(res.text).Autodiscover?.Response?.Error;
      t.equal(error?.ErrorCode, 600, `${name}: 600`);
      t.equal(error?.Message, 'Invalid Request', name);
      t.notMatch(res.text, /at .*\.js|Error:/, `${name}: no stack trace`);
    }
    const get = await https(gw, 'GET', '/autodiscover/autodiscover.xml', { headers: aliceHeaders });
    t.equal(get.status, 200, 'a signed-in GET');
    t.equal(parse(get.text).Autodiscover.Response.Error.ErrorCode, 600);
    const schema = await post(outlookRequest(ALICE.upn, 'http://example.org/not-a-schema'));
    t.equal(parse(schema.text).Autodiscover.Response.Error.ErrorCode, 601, 'an unknown AcceptableResponseSchema');
  });

  t.test('client input is escaped, never pasted into the XML', async (t) => {
    const res = await post(outlookRequest('&lt;x&gt;"@contoso.com'));
    t.equal(parse(res.text).Autodiscover.Response.Error.ErrorCode, 500);
    const hostile = await https(gw, 'POST', '/autodiscover/autodiscover.xml', { body: outlookRequest(ALICE.upn), headers: { ...aliceHeaders, host: 'evil"><x>' } });
    t.equal(hostile.status, 200);
    t.notMatch(hostile.text, /evil/, 'an odd Host header is not echoed');
  });

  t.test('without credentials, GET and POST are challenged (401)', async (t) => {
    for (const method of ['GET', 'POST']) {
      const res = await https(gw, method, '/Autodiscover/Autodiscover.xml', { body: method === 'POST' ? outlookRequest(ALICE.upn) : undefined });
      t.equal(res.status, 401, method);
      t.match(String(res.headers['www-authenticate']), /^Bearer client_id="00000002-0000-0ff1-ce00-000000000000"/);
    }
  });
});

t.test('JSON v2 (reference §5.5)', async (t) => {
  const gw = await bootGateway(t, { seed: ENDPOINTS_SEED });
  const host = `127.0.0.1:${gw.ports.https}`;
  const base = `https://${host}`;
  const get = (path: string) => https(gw, 'GET', path, { headers: { host } });

  t.test('a known mailbox gets exogate\'s URL for each protocol, unauthenticated', async (t) => {
    const cases: [string, string][] = [
      ['Autodiscoverv1', '/autodiscover/autodiscover.xml'],
      ['ActiveSync', '/Microsoft-Server-ActiveSync'],
      ['Ews', '/EWS/Exchange.asmx'],
      ['Rest', '/api'],
    ];
    for (const [protocol, path] of cases) {
      const res = await get(`/autodiscover/autodiscover.json/v1.0/${ALICE.upn}?Protocol=${protocol}`);
      t.equal(res.status, 200, protocol);
      t.equal(res.headers['content-type'], 'application/json; charset=utf-8');
      t.equal(res.text, `{"Protocol":"${protocol}","Url":"${base}${path}"}`, `${protocol}: the body, byte for byte`);
    }
    const lower = await get(`/autodiscover/autodiscover.json/v1.0/${encodeURIComponent(ALICE.upn)}?protocol=ews`);
    t.same(lower.json(), { Protocol: 'ews', Url: `${base}/EWS/Exchange.asmx` }, 'names in any case, value echoed');
    const substrate = await get(`/autodiscover/autodiscover.json/v1.0/${ALICE.upn}?Protocol=Substrate`);
    t.equal(substrate.status, 200, "the reference's other protocols are accepted");
  });

  t.test('an unknown address is redirected to the query form with the IIS "Object moved" page', async (t) => {
    for (const email of ['nobody@contoso.com', 'someone@example.org']) {
      const res = await get(`/autodiscover/autodiscover.json/v1.0/${email}?Protocol=Autodiscoverv1`);
      t.equal(res.status, 302);
      const location = `${base}/autodiscover/autodiscover.json?Email=${encodeURIComponent(email)}&Protocol=Autodiscoverv1&RedirectCount=1`;
      t.equal(res.headers.location, location);
      t.equal(res.headers['content-type'], 'text/html; charset=utf-8');
      t.equal(res.text, `<html><head><title>Object moved</title></head><body>\r\n<h2>Object moved to <a href="${location.replace(/&/g, '&amp;')}">here</a>.</h2>\r\n</body></html>\r\n`);
    }
  });

  t.test('the query form answers like the path form and counts redirects', async (t) => {
    const ok = await get(`/autodiscover/autodiscover.json?Email=${encodeURIComponent(ALICE.upn)}&Protocol=ActiveSync&RedirectCount=1`);
    t.equal(ok.status, 200);
    t.same(ok.json(), { Protocol: 'ActiveSync', Url: `${base}/Microsoft-Server-ActiveSync` });
    const again = await get('/autodiscover/autodiscover.json?Email=nobody%40contoso.com&Protocol=Autodiscoverv1&RedirectCount=1');
    t.equal(again.status, 302);
    t.match(again.headers.location, /RedirectCount=2$/);
    const tooMany = await get(`/autodiscover/autodiscover.json?Email=nobody%40contoso.com&Protocol=Autodiscoverv1&RedirectCount=${MAX_REDIRECT_COUNT + 1}`);
    t.equal(tooMany.status, 400);
    t.equal(tooMany.json().ErrorCode, 'RedirectCountExceeded');
    const noEmail = await get('/autodiscover/autodiscover.json?Protocol=Ews');
    t.equal(noEmail.status, 400);
    t.equal(noEmail.json().ErrorCode, 'InvalidEmailAddress');
  });

  t.test('an unsupported protocol is a 400 listing the valid values', async (t) => {
    const res = await get(`/autodiscover/autodiscover.json/v1.0/${ALICE.upn}?Protocol=Imap`);
    t.equal(res.status, 400);
    t.equal(res.headers['content-type'], 'application/json; charset=utf-8');
    t.equal(res.text, `{"ErrorCode":"InvalidProtocol","ErrorMessage":"The given protocol value \\u0027Imap\\u0027 is invalid. Supported values are \\u0027${V2_PROTOCOL_LIST}\\u0027"}`);
    t.same(res.json(), { ErrorCode: 'InvalidProtocol', ErrorMessage: `The given protocol value 'Imap' is invalid. Supported values are '${V2_PROTOCOL_LIST}'` });
    const missing = await get(`/autodiscover/autodiscover.json/v1.0/${ALICE.upn}`);
    t.equal(missing.status, 400, 'no Protocol at all');
    const hostile = await get(`/autodiscover/autodiscover.json/v1.0/${ALICE.upn}?Protocol=%3Cscript%3E`);
    t.notMatch(hostile.text, /<script>/, 'client input is escaped in JSON too');
  });

  t.test('ServerLocation=true adds where the answer came from', async (t) => {
    const res = await get(`/autodiscover/autodiscover.json/v1.0/${ALICE.upn}?Protocol=Ews&ServerLocation=true`);
    t.equal(res.status, 200);
    const body = res.json<{ Protocol: string; Url: string; ServerLocation: string }>();
    t.equal(body.Url, `${base}/EWS/Exchange.asmx`);
    t.match(body.ServerLocation, /^[A-Z]{3}$/);
  });
});
