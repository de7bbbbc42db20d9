// The client-credentials grant (reference §8.1, §8.2, §8.4): app-only v1 tokens for Exchange
// (`https://outlook.office365.com/.default`) and Graph, client_secret_post and
// client_secret_basic, and every AADSTS refusal with Entra's error body.
import { decodeJwt } from 'jose';
import t from 'tap';
import { BASE_SEED, bootGateway } from '../helpers/gateway.js';
import { appToken, https } from '../helpers/https.js';
import {
  assertAadsts,
  assertToken,
  GRAPH_APP,
  GRAPH_APP_SECRET,
  MAIL_APP,
  MAIL_APP_OBJECT_ID,
  MAIL_APP_SECRET,
  postToken,
  PUBLIC_CLIENT,
  signIns,
  tenantId,
  verifyJwt,
} from './helpers.js';

const EXO_DEFAULT = 'https://outlook.office365.com/.default';

const cc = (extra: Record<string, string> = {}): Record<string, string> => ({
  grant_type: 'client_credentials',
  client_id: MAIL_APP,
  client_secret: MAIL_APP_SECRET,
  scope: EXO_DEFAULT,
  ...extra,
});

const basic = (id: string, secret: string) => `Basic ${Buffer.from(`${encodeURIComponent(id)}:${encodeURIComponent(secret)}`).toString('base64')}`;

t.test('client credentials', async (t) => {
  // A frozen clock: iat can be compared with the emulated now exactly.
  const gw = await bootGateway(t, { seed: BASE_SEED, freezeClock: true });
  const tid = tenantId(gw, 'contoso');

  t.test('Exchange .default: a v1 app-only token verified against the served JWKS', async (t) => {
    const res = await postToken(gw, 'contoso.com', cc());
    const body = await assertToken(t, res);
    t.equal(body.refresh_token, undefined, 'no refresh token for an app');
    t.equal(body.id_token, undefined, 'no id token for an app');
    t.equal(body.scope, EXO_DEFAULT, 'granted scope is the .default scope asked for');
    const { payload, header } = await verifyJwt(gw, 'contoso.com', body.access_token);
    t.equal(header.alg, 'RS256');
    t.type(header.kid, 'string');
    t.equal(payload.aud, 'https://outlook.office365.com');
    t.equal(payload.iss, `https://sts.windows.net/${tid}/`);
    t.equal(payload.ver, '1.0');
    t.equal(payload.idtyp, 'app');
    t.equal(payload.tid, tid);
    t.equal(payload.appid, MAIL_APP);
    t.equal(payload.appidacr, '1', 'authenticated with a secret');
    t.equal(payload.oid, MAIL_APP_OBJECT_ID, "oid is the enterprise app's object id");
    t.equal(payload.sub, MAIL_APP_OBJECT_ID);
    t.same(payload.roles, ['IMAP.AccessAsApp', 'SMTP.SendAsApp'], "the app's Exchange application permissions");
    for (const absent of ['scp', 'upn', 'unique_name', 'name', 'amr', 'wids']) t.notOk(absent in payload, `no ${absent} in an app token`);
    t.equal(payload.exp! - payload.iat!, body.expires_in, 'exp - iat = expires_in');
    t.equal(payload.nbf, payload.iat);
    t.equal(payload.iat, Math.floor(gw.clock.now().getTime() / 1000), 'issued at the emulated now');
  });

  t.test('every form of the tenant and the shared appToken() helper issue the same kind of token', async (t) => {
    for (const segment of [tid, 'contoso', 'contoso.onmicrosoft.com', 'contoso.com']) {
      const body = await assertToken(t, await postToken(gw, segment, cc()));
      t.equal(decodeJwt(body.access_token).tid, tid, segment);
    }
    t.equal(decodeJwt(await appToken(gw)).aud, 'https://outlook.office365.com');
  });

  t.test('the audience follows the resource identifier asked for', async (t) => {
    for (const aud of ['https://outlook.office.com', 'https://ps.outlook.com']) {
      const body = await assertToken(t, await postToken(gw, 'contoso.com', cc({ scope: `${aud}/.default` })));
      const claims = decodeJwt(body.access_token);
      t.equal(claims.aud, aud);
      t.same(claims.roles, ['IMAP.AccessAsApp', 'SMTP.SendAsApp']);
    }
  });

  t.test('client_secret_basic: id and secret in an Authorization: Basic header', async (t) => {
    const form = { grant_type: 'client_credentials', scope: EXO_DEFAULT };
    const body = await assertToken(t, await postToken(gw, 'contoso.com', form, { authorization: basic(MAIL_APP, MAIL_APP_SECRET) }));
    const { payload } = await verifyJwt(gw, 'contoso.com', body.access_token);
    t.equal(payload.appid, MAIL_APP);
    t.equal(payload.oid, MAIL_APP_OBJECT_ID);
    // The secret is form-urlencoded before it goes in the header (RFC 6749 §2.3.1).
    const res = await postToken(gw, 'contoso.com', form, { authorization: basic(MAIL_APP, 'wrong secret/+%') });
    assertAadsts(t, res, { status: 401, error: 'invalid_client', code: 7000215 });
  });

  t.test('a malformed Basic header is refused as a client error, never a 500', async (t) => {
    const form = { grant_type: 'client_credentials', scope: EXO_DEFAULT };
    const header = `Basic ${Buffer.from(`${MAIL_APP}:%E0%A4%A`).toString('base64')}`;
    const res = await postToken(gw, 'contoso.com', form, { authorization: header });
    assertAadsts(t, res, { status: 401, error: 'invalid_client', code: 7000215 });
  });

  t.test('Graph .default: aud https://graph.microsoft.com and the Graph roles', async (t) => {
    const res = await postToken(gw, 'contoso.com', { grant_type: 'client_credentials', client_id: GRAPH_APP, client_secret: GRAPH_APP_SECRET, scope: 'https://graph.microsoft.com/.default' });
    const body = await assertToken(t, res);
    t.equal(body.scope, 'https://graph.microsoft.com/.default');
    const { payload } = await verifyJwt(gw, 'contoso.com', body.access_token);
    t.equal(payload.aud, 'https://graph.microsoft.com');
    t.equal(payload.iss, `https://sts.windows.net/${tid}/`);
    t.equal(payload.idtyp, 'app');
    t.same(payload.roles, ['AuditLog.Read.All']);
    // The mail app's Exchange permissions do not leak into a Graph token.
    const mail = await assertToken(t, await postToken(gw, 'contoso.com', cc({ scope: 'https://graph.microsoft.com/.default' })));
    t.same(decodeJwt(mail.access_token).roles, [], 'no Graph application permission granted → no roles');
  });

  t.test('bad secret → 401 invalid_client AADSTS7000215', async (t) => {
    const res = await postToken(gw, 'contoso.com', cc({ client_secret: 'not-the-secret' }));
    assertAadsts(t, res, {
      status: 401,
      error: 'invalid_client',
      code: 7000215,
      text: `Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '${MAIL_APP}'.`,
    });
  });

  t.test('missing secret → 401 invalid_client AADSTS7000218', async (t) => {
    const { client_secret: _omit, ...form } = cc();
    assertAadsts(t, await postToken(gw, 'contoso.com', form), {
      status: 401,
      error: 'invalid_client',
      code: 7000218,
      text: "The request body must contain the following parameter: 'client_assertion' or 'client_secret'.",
    });
    // An app with no secret at all (a public client) cannot use client credentials either.
    const { client_secret: _none, ...pub } = cc({ client_id: PUBLIC_CLIENT });
    assertAadsts(t, await postToken(gw, 'contoso.com', pub), { status: 401, error: 'invalid_client', code: 7000218 });
  });

  t.test('unknown client id → AADSTS700016', async (t) => {
    const unknown = '11111111-2222-3333-4444-555555555555';
    const res = await postToken(gw, 'contoso.com', cc({ client_id: unknown }));
    const body = assertAadsts(t, res, { status: 400, error: 'unauthorized_client', code: 700016 });
    t.ok(body.error_description.startsWith(`AADSTS700016: Application with identifier '${unknown}' was not found in the directory `));
  });

  t.test("the app asked for from another tenant → AADSTS700016", async (t) => {
    const res = await postToken(gw, 'fabrikam.com', cc());
    const body = assertAadsts(t, res, { status: 400, error: 'unauthorized_client', code: 700016 });
    t.ok(body.error_description.startsWith(`AADSTS700016: Application with identifier '${MAIL_APP}' was not found in the directory `));
  });

  t.test('scope without /.default → AADSTS1002012', async (t) => {
    for (const scope of ['https://outlook.office365.com/IMAP.AccessAsApp', 'https://outlook.office365.com/.default https://outlook.office365.com/SMTP.SendAsApp']) {
      const body = assertAadsts(t, await postToken(gw, 'contoso.com', cc({ scope })), { status: 400, error: 'invalid_scope', code: 1002012 });
      t.ok(body.error_description.includes('Client credential flows must have a scope value with /.default suffixed'), scope);
    }
  });

  t.test('two resources in one scope → AADSTS28000', async (t) => {
    const res = await postToken(gw, 'contoso.com', cc({ scope: 'https://outlook.office365.com/.default https://graph.microsoft.com/.default' }));
    const body = assertAadsts(t, res, { status: 400, error: 'invalid_scope', code: 28000 });
    t.ok(body.error_description.includes('contains more than one resource'));
  });

  t.test('an unknown resource → AADSTS70011', async (t) => {
    const res = await postToken(gw, 'contoso.com', cc({ scope: 'https://api.example.com/.default' }));
    assertAadsts(t, res, { status: 400, error: 'invalid_scope', code: 70011 });
  });

  t.test('missing parameters → AADSTS900144 naming the parameter', async (t) => {
    const { grant_type: _g, ...noGrant } = cc();
    assertAadsts(t, await postToken(gw, 'contoso.com', noGrant), {
      status: 400,
      error: 'invalid_request',
      code: 900144,
      text: "The request body must contain the following parameter: 'grant_type'.",
    });
    const { client_id: _c, ...noClient } = cc();
    assertAadsts(t, await postToken(gw, 'contoso.com', noClient), {
      status: 400,
      error: 'invalid_request',
      code: 900144,
      text: "The request body must contain the following parameter: 'client_id'.",
    });
    const { scope: _s, ...noScope } = cc();
    assertAadsts(t, await postToken(gw, 'contoso.com', noScope), {
      status: 400,
      error: 'invalid_request',
      code: 900144,
      text: "The request body must contain the following parameter: 'scope'.",
    });
    // A JSON body is not a form: the token endpoint sees no parameters at all.
    const json = await https(gw, 'POST', '/contoso.com/oauth2/v2.0/token', { json: cc() });
    assertAadsts(t, json, { status: 400, error: 'invalid_request', code: 900144 });
  });

  t.test('unsupported grant type → AADSTS70003', async (t) => {
    const res = await postToken(gw, 'contoso.com', cc({ grant_type: 'urn:ietf:params:oauth:grant-type:saml2-bearer' }));
    assertAadsts(t, res, {
      status: 400,
      error: 'unsupported_grant_type',
      code: 70003,
      text: 'The app requested an unsupported grant type urn:ietf:params:oauth:grant-type:saml2-bearer.',
    });
  });

  t.test('unknown tenant at the token endpoint → AADSTS90002', async (t) => {
    const res = await postToken(gw, 'nosuchtenant.com', cc());
    assertAadsts(t, res, { status: 400, error: 'invalid_request', code: 90002 });
  });

  t.test('client-request-id becomes the correlation id', async (t) => {
    const correlation = 'aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee';
    const res = await postToken(gw, 'contoso.com', cc({ client_secret: 'nope' }), { 'client-request-id': correlation });
    const body = assertAadsts(t, res, { status: 401, error: 'invalid_client', code: 7000215 });
    t.equal(body.correlation_id, correlation);
  });

  t.test('app sign-ins are recorded as service-principal sign-ins without the secret', async (t) => {
    const ok = 'c0000000-0000-4000-8000-000000000001';
    const bad = 'c0000000-0000-4000-8000-000000000002';
    const good = await assertToken(t, await postToken(gw, 'contoso.com', cc(), { 'client-request-id': ok }));
    await postToken(gw, 'contoso.com', cc({ client_secret: 'wrong-secret-value' }), { 'client-request-id': bad });
    const rows = await signIns(gw);
    const okRow = rows.find((r) => r.record.correlationId === ok);
    const badRow = rows.find((r) => r.record.correlationId === bad);
    t.ok(okRow, 'success recorded');
    t.ok(badRow, 'failure recorded');
    t.equal(okRow!.app_id, MAIL_APP);
    t.equal(okRow!.error_code, 0);
    t.equal(okRow!.record.status.errorCode, 0);
    t.equal(okRow!.record.status.failureReason, null);
    t.equal(okRow!.record.userPrincipalName, null, 'no user in an app sign-in');
    t.same(okRow!.record.signInEventTypes, ['servicePrincipal']);
    t.equal(okRow!.record.resourceId, '00000002-0000-0ff1-ce00-000000000000');
    t.equal(badRow!.error_code, 7000215);
    t.equal(badRow!.record.status.errorCode, 7000215);
    const all = JSON.stringify(rows);
    for (const secret of [MAIL_APP_SECRET, 'wrong-secret-value', good.access_token]) t.notOk(all.includes(secret), 'no secret or token in any record');
  });
});
