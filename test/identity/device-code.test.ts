// The device-code flow (reference §8.1 "Device code"): POST /devicecode, poll the token
// endpoint (authorization_pending, AADSTS70016) while the user signs in at the gateway's
// /devicelogin page, then tokens; an expired device code is expired_token (AADSTS70020).
import { decodeJwt } from 'jose';
import t from 'tap';
import type { Gateway } from '../../index.js';
import { BASE_SEED, bootGateway } from '../helpers/gateway.js';
import { https } from '../helpers/https.js';
import { ALICE, assertAadsts, assertToken, CAROL, IMAP_SCOPE, pageError, parseForm, postToken, PUBLIC_CLIENT, SMTP_SCOPE, tenantId, verifyJwt } from './helpers.js';

const DEVICE_GRANT = 'urn:ietf:params:oauth:grant-type:device_code';
const SCOPE = `offline_access ${IMAP_SCOPE} ${SMTP_SCOPE}`;

interface DeviceCodeBody {
  user_code: string;
  device_code: string;
  verification_uri: string;
  expires_in: number;
  interval: number;
  message: string;
}

async function start(gw: Gateway, tenant = 'contoso.com', form: Record<string, string> = { client_id: PUBLIC_CLIENT, scope: SCOPE }) {
  return https(gw, 'POST', `/${tenant}/oauth2/v2.0/devicecode`, { form });
}

async function started(gw: Gateway, tenant = 'contoso.com'): Promise<DeviceCodeBody> {
  const res = await start(gw, tenant);
  if (res.status !== 200) throw new Error(`devicecode: ${res.status} ${res.text}`);
  return res.json<DeviceCodeBody>();
}

const poll = (gw: Gateway, deviceCode: string, tenant = 'contoso.com') =>
  postToken(gw, tenant, { grant_type: DEVICE_GRANT, client_id: PUBLIC_CLIENT, device_code: deviceCode });

/** The user's side: open verification_uri, type the code, sign in — through the page's own form. */
async function approve(gw: Gateway, verificationUri: string, userCode: string, username: string, password: string) {
  const page = await https(gw, 'GET', new URL(verificationUri).pathname);
  const { action, fields } = parseForm(page.text);
  return https(gw, 'POST', action, { form: { ...fields, otc: userCode, username, password } });
}

const PENDING = { status: 400, error: 'authorization_pending', code: 70016, text: 'OAuth 2.0 device flow error. Authorization is pending. Continue polling.' };

t.test('device code', async (t) => {
  // A frozen clock: no device code can outlive its fifteen minutes while the test runs.
  const gw = await bootGateway(t, { seed: BASE_SEED, freezeClock: true });
  const tid = tenantId(gw, 'contoso');
  const origin = `https://${gw.host}:${gw.ports.https}`;

  t.test('the whole flow: start, pending, sign in at /devicelogin, tokens', async (t) => {
    const res = await start(gw);
    t.equal(res.status, 200);
    t.equal(res.headers['cache-control'], 'no-store, no-cache');
    const body = res.json<DeviceCodeBody>();
    t.same(Object.keys(body).sort(), ['device_code', 'expires_in', 'interval', 'message', 'user_code', 'verification_uri']);
    t.match(body.user_code, /^[A-Z0-9]{8,9}$/, 'a short code a person can type');
    t.ok(body.device_code.length >= 32, 'a long device code');
    t.equal(body.verification_uri, `${origin}/devicelogin`, 'verification URI on the gateway');
    t.equal(body.expires_in, 900);
    t.equal(body.interval, 5);
    t.equal(body.message, `To sign in, use a web browser to open the page ${body.verification_uri} and enter the code ${body.user_code} to authenticate.`);

    assertAadsts(t, await poll(gw, body.device_code), PENDING);
    assertAadsts(t, await poll(gw, body.device_code), PENDING);

    const page = await https(gw, 'GET', `/devicelogin?otc=${body.user_code}`);
    t.equal(page.status, 200);
    t.match(String(page.headers['content-type']), /^text\/html/);
    t.equal(parseForm(page.text).fields.otc, body.user_code, 'otc pre-fills the code');

    const done = await approve(gw, body.verification_uri, body.user_code, ALICE.upn, ALICE.password);
    t.equal(done.status, 200);
    t.equal(pageError(done.text), null);
    t.match(done.text, /You have signed in/);

    const tokens = await assertToken(t, await poll(gw, body.device_code));
    t.type(tokens.refresh_token, 'string');
    const { payload } = await verifyJwt(gw, 'contoso.com', tokens.access_token);
    t.equal(payload.aud, 'https://outlook.office.com');
    t.equal(payload.iss, `https://sts.windows.net/${tid}/`);
    t.equal(payload.ver, '1.0');
    t.equal(payload.upn, ALICE.upn);
    t.equal(payload.appid, PUBLIC_CLIENT);
    t.equal(payload.scp, 'IMAP.AccessAsUser.All SMTP.Send');

    // A device code buys tokens once.
    const again = await poll(gw, body.device_code);
    assertAadsts(t, again, { status: 400, error: 'invalid_grant', code: 70000, text: "The provided value for the input parameter 'device_code' is not valid." });
  });

  t.test('the user code is case-insensitive on the login page', async (t) => {
    const body = await started(gw);
    const done = await approve(gw, body.verification_uri, ` ${body.user_code.toLowerCase()} `, ALICE.upn, ALICE.password);
    t.equal(pageError(done.text), null);
    await assertToken(t, await poll(gw, body.device_code));
  });

  t.test('a wrong password on the login page: the page says AADSTS50126, polling stays pending', async (t) => {
    const body = await started(gw);
    const wrong = 'Not-Alices-Passw0rd';
    const res = await approve(gw, body.verification_uri, body.user_code, ALICE.upn, wrong);
    t.equal(res.status, 200);
    t.equal(pageError(res.text), 'AADSTS50126: Error validating credentials due to invalid username or password.');
    t.notOk(res.text.includes(wrong), 'the password is not echoed');
    const { fields } = parseForm(res.text);
    t.equal(fields.otc, body.user_code, 'the code is kept');
    t.equal(fields.username, ALICE.upn, 'the user name is kept');
    assertAadsts(t, await poll(gw, body.device_code), PENDING);
    // Then the right password completes the flow.
    t.equal(pageError((await approve(gw, body.verification_uri, body.user_code, ALICE.upn, ALICE.password)).text), null);
    await assertToken(t, await poll(gw, body.device_code));
  });

  t.test('a user of another tenant cannot approve a contoso device code', async (t) => {
    const body = await started(gw);
    const res = await approve(gw, body.verification_uri, body.user_code, 'ops@fabrikam.com', 'Fabrikam-Passw0rd!');
    t.match(pageError(res.text) ?? '', /^AADSTS50034: /);
    assertAadsts(t, await poll(gw, body.device_code), PENDING);
  });

  t.test('an unknown user code is refused on the page', async (t) => {
    const res = await approve(gw, `${origin}/devicelogin`, 'ZZZZZZZZZ', ALICE.upn, ALICE.password);
    t.equal(res.status, 200);
    t.match(pageError(res.text) ?? '', /^AADSTS\d+: /);
    t.notMatch(res.text, /You have signed in/);
  });

  t.test('the device flow is interactive: a per-user MFA user can complete it', async (t) => {
    const body = await started(gw);
    t.equal(pageError((await approve(gw, body.verification_uri, body.user_code, CAROL.upn, CAROL.password)).text), null);
    const tokens = await assertToken(t, await poll(gw, body.device_code));
    t.equal(decodeJwt(tokens.access_token).upn, CAROL.upn);
  });

  t.test('common: the signing-in user picks the tenant', async (t) => {
    const body = await started(gw, 'common');
    t.equal(pageError((await approve(gw, body.verification_uri, body.user_code, ALICE.upn, ALICE.password)).text), null);
    const tokens = await assertToken(t, await poll(gw, body.device_code, 'common'));
    t.equal(decodeJwt(tokens.access_token).tid, tid);
  });

  t.test("common: a user of another tenant cannot approve a code for contoso's single-tenant app → AADSTS700016", async (t) => {
    const body = await started(gw, 'common');
    const res = await approve(gw, body.verification_uri, body.user_code, 'ops@fabrikam.com', 'Fabrikam-Passw0rd!');
    t.match(pageError(res.text) ?? '', new RegExp(`^AADSTS700016: Application with identifier '${PUBLIC_CLIENT}' was not found in the directory `));
    assertAadsts(t, await poll(gw, body.device_code, 'common'), PENDING);
  });

  t.test('an unknown device code → AADSTS70000', async (t) => {
    assertAadsts(t, await poll(gw, 'not-a-device-code'), { status: 400, error: 'invalid_grant', code: 70000 });
    assertAadsts(t, await postToken(gw, 'contoso.com', { grant_type: DEVICE_GRANT, client_id: PUBLIC_CLIENT }), {
      status: 400,
      error: 'invalid_request',
      code: 900144,
      text: "The request body must contain the following parameter: 'device_code'.",
    });
  });

  t.test('/devicecode refusals have Entra\'s error body', async (t) => {
    assertAadsts(t, await start(gw, 'contoso.com', { client_id: '99999999-0000-0000-0000-000000000000', scope: SCOPE }), { status: 400, error: 'unauthorized_client', code: 700016 });
    assertAadsts(t, await start(gw, 'fabrikam.com'), { status: 400, error: 'unauthorized_client', code: 700016 });
    assertAadsts(t, await start(gw, 'nosuchtenant.example'), { status: 400, error: 'invalid_request', code: 90002 });
    assertAadsts(t, await start(gw, 'contoso.com', { scope: SCOPE }), { status: 400, error: 'invalid_request', code: 900144, text: "The request body must contain the following parameter: 'client_id'." });
    assertAadsts(t, await start(gw, 'contoso.com', { client_id: PUBLIC_CLIENT }), { status: 400, error: 'invalid_request', code: 900144, text: "The request body must contain the following parameter: 'scope'." });
    assertAadsts(t, await start(gw, 'contoso.com', { client_id: PUBLIC_CLIENT, scope: 'https://outlook.office.com/POP.AccessAsUser.All' }), { status: 400, error: 'invalid_grant', code: 65001 });
    assertAadsts(t, await start(gw, 'contoso.com', { client_id: PUBLIC_CLIENT, scope: 'https://outlook.office.com/Nope' }), { status: 400, error: 'invalid_scope', code: 70011 });
  });
});

t.test('an expired device code → expired_token AADSTS70020', async (t) => {
  const gw = await bootGateway(t, { seed: BASE_SEED, freezeClock: true });
  const pending = await started(gw);
  const approved = await started(gw);
  assertAadsts(t, await poll(gw, pending.device_code), PENDING);
  await gw.clock.advance('20m');
  const expired = {
    status: 400,
    error: 'expired_token',
    code: 70020,
    text: "The provided value for the input parameter 'device_code' is not valid. This device code has expired.",
  };
  assertAadsts(t, await poll(gw, pending.device_code), expired);
  // Too late to sign in for it, too.
  const res = await approve(gw, approved.verification_uri, approved.user_code, ALICE.upn, ALICE.password);
  t.match(pageError(res.text) ?? '', /^AADSTS70020: /);
  assertAadsts(t, await poll(gw, approved.device_code), expired);
});
