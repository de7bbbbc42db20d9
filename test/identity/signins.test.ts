// Sign-in records left by the identity platform (reference §9.1): every user sign-in decided at
// the token endpoint or on a sign-in page is a record with the right clientAppUsed ("Mobile
// Apps and Desktop clients" for ROPC, "Browser" for the /authorize form), user, app and
// status.errorCode (0 or the AADSTS code) — and no record holds a password, secret or token.
import t, { type Test } from 'tap';
import { BASE_SEED, bootGateway } from '../helpers/gateway.js';
import { https } from '../helpers/https.js';
import {
  ALICE,
  assertToken,
  CAROL,
  ERIN,
  EXCHANGE_RESOURCE,
  IMAP_SCOPE,
  MAIL_APP,
  MAIL_APP_SECRET,
  pageError,
  parseForm,
  pkce,
  postToken,
  PUBLIC_CLIENT,
  REDIRECT_URI,
  ropcForm,
  signIns,
  signInsFor,
  userId,
  type SignInRecordRow,
} from './helpers.js';

const MOBILE = 'Mobile Apps and Desktop clients';

/** A distinct client-request-id per request, so each test finds its own records. */
let counter = 0;
const cid = () => `5167a7e0-0000-4000-8000-${String(++counter).padStart(12, '0')}`;

function one(t: Test, rows: SignInRecordRow[], what: string): SignInRecordRow {
  t.equal(rows.length, 1, `one record for ${what}`);
  return rows[0];
}

t.test('sign-in records of the identity platform', async (t) => {
  const gw = await bootGateway(t, { seed: BASE_SEED });
  const secrets: string[] = [MAIL_APP_SECRET, ALICE.password, ERIN.password, CAROL.password, CAROL.appPassword];

  t.test('ROPC success: Mobile Apps and Desktop clients, errorCode 0', async (t) => {
    const id = cid();
    const body = await assertToken(t, await postToken(gw, 'contoso.com', ropcForm(ALICE.upn, ALICE.password, `offline_access ${IMAP_SCOPE}`), { 'client-request-id': id, 'user-agent': 'Mozilla/5.0 (Windows NT 10.0) Thunderbird/128.0' }));
    secrets.push(body.access_token, body.refresh_token!);
    const row = one(t, await signInsFor(gw, id), 'the ROPC request');
    t.equal(row.client_app_used, MOBILE);
    t.equal(row.record.clientAppUsed, MOBILE);
    t.equal(row.upn, ALICE.upn);
    t.equal(row.record.userPrincipalName, ALICE.upn);
    t.equal(row.record.userId, userId(gw, ALICE.upn));
    t.equal(row.app_id, PUBLIC_CLIENT);
    t.equal(row.record.appId, PUBLIC_CLIENT);
    t.equal(row.record.appDisplayName, 'Public Client');
    t.equal(row.error_code, 0);
    t.same(row.record.status, { errorCode: 0, failureReason: null, additionalDetails: null });
    t.equal(row.record.isInteractive, false, 'ROPC is not interactive');
    t.equal(row.record.resourceId, EXCHANGE_RESOURCE);
    t.equal(row.record.resourceDisplayName, 'Office 365 Exchange Online');
    t.equal(row.record.ipAddress, '127.0.0.1');
    t.match(row.record.createdDateTime as string, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
    t.match(row.record.deviceDetail as object, { operatingSystem: 'Windows' });
  });

  t.test('ROPC failures carry their AADSTS code and text', async (t) => {
    const cases: [string, Record<string, string>, number, string | null][] = [
      ['wrong password', ropcForm(ERIN.upn, 'Erin-Wrong-1'), 50126, ERIN.upn],
      ['unknown user', ropcForm('ghost@contoso.com', 'Ghost-Passw0rd'), 50034, 'ghost@contoso.com'],
      ['per-user MFA', ropcForm(CAROL.upn, CAROL.password), 50076, CAROL.upn],
      ['app password', ropcForm(CAROL.upn, CAROL.appPassword), 50126, CAROL.upn],
    ];
    secrets.push('Erin-Wrong-1', 'Ghost-Passw0rd');
    for (const [name, form, code, upn] of cases) {
      const id = cid();
      const res = await postToken(gw, 'contoso.com', form, { 'client-request-id': id });
      t.equal(res.status, 400, name);
      const row = one(t, await signInsFor(gw, id), name);
      t.equal(row.client_app_used, MOBILE, name);
      t.equal(row.upn, upn, name);
      t.equal(row.record.userPrincipalName, upn, name);
      t.equal(row.app_id, PUBLIC_CLIENT, name);
      t.equal(row.error_code, code, name);
      t.equal(row.record.status.errorCode, code, name);
      t.type(row.record.status.failureReason, 'string', name);
      t.ok(res.json<{ error_description: string }>().error_description.startsWith(`AADSTS${code}: ${row.record.status.failureReason}`), `${name}: failureReason is the AADSTS text`);
    }
    const ghost = (await signIns(gw)).find((r) => r.upn === 'ghost@contoso.com');
    t.equal(ghost?.record.userId, null, 'an unknown user has no user id');
  });

  t.test('the /authorize form: Browser, interactive, 0 or the AADSTS code', async (t) => {
    const { challenge, verifier } = pkce();
    const query = { client_id: PUBLIC_CLIENT, response_type: 'code', redirect_uri: REDIRECT_URI, scope: IMAP_SCOPE, code_challenge: challenge, code_challenge_method: 'S256' };
    const page = await https(gw, 'GET', `/contoso.com/oauth2/v2.0/authorize?${new URLSearchParams(query)}`);
    const { action, fields } = parseForm(page.text);

    const bad = cid();
    const wrong = 'Alice-Wrong-Form-Passw0rd';
    secrets.push(wrong);
    const failed = await https(gw, 'POST', action, { form: { ...fields, username: ALICE.upn, password: wrong }, headers: { 'client-request-id': bad, 'user-agent': 'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_0) AppleWebKit/605.1.15 Version/17.0 Safari/605.1.15' } });
    t.match(pageError(failed.text) ?? '', /^AADSTS50126: /);
    const badRow = one(t, await signInsFor(gw, bad), 'the failed form post');
    t.equal(badRow.client_app_used, 'Browser');
    t.equal(badRow.upn, ALICE.upn);
    t.equal(badRow.app_id, PUBLIC_CLIENT);
    t.equal(badRow.error_code, 50126);
    t.equal(badRow.record.status.errorCode, 50126);
    t.equal(badRow.record.isInteractive, true);
    t.match(badRow.record.deviceDetail as object, { browser: 'Safari', operatingSystem: 'MacOs' });

    const good = cid();
    const ok = await https(gw, 'POST', action, { form: { ...fields, username: CAROL.upn, password: CAROL.password }, headers: { 'client-request-id': good } });
    t.equal(ok.status, 302);
    const code = new URL(String(ok.headers.location)).searchParams.get('code')!;
    secrets.push(code);
    const goodRow = one(t, await signInsFor(gw, good), 'the successful form post');
    t.equal(goodRow.client_app_used, 'Browser');
    t.equal(goodRow.record.clientAppUsed, 'Browser');
    t.equal(goodRow.upn, CAROL.upn, 'an MFA user signs in interactively');
    t.equal(goodRow.app_id, PUBLIC_CLIENT);
    t.equal(goodRow.error_code, 0);
    t.equal(goodRow.record.status.errorCode, 0);
    t.equal(goodRow.record.isInteractive, true);
    t.same(goodRow.record.signInEventTypes, ['interactiveUser']);

    const redeemed = await assertToken(t, await postToken(gw, 'contoso.com', { grant_type: 'authorization_code', client_id: PUBLIC_CLIENT, code, redirect_uri: REDIRECT_URI, code_verifier: verifier }));
    secrets.push(redeemed.access_token, verifier);
  });

  t.test('a refresh and a device-code sign-in are recorded too', async (t) => {
    const first = await assertToken(t, await postToken(gw, 'contoso.com', ropcForm(ERIN.upn, ERIN.password, `offline_access ${IMAP_SCOPE}`)));
    const id = cid();
    const refreshed = await assertToken(t, await postToken(gw, 'contoso.com', { grant_type: 'refresh_token', client_id: PUBLIC_CLIENT, refresh_token: first.refresh_token! }, { 'client-request-id': id }));
    secrets.push(first.access_token, first.refresh_token!, refreshed.access_token, refreshed.refresh_token!);
    const row = one(t, await signInsFor(gw, id), 'the refresh');
    t.equal(row.upn, ERIN.upn);
    t.equal(row.app_id, PUBLIC_CLIENT);
    t.equal(row.error_code, 0);
    t.equal(row.record.isInteractive, false);

    const started = (await https(gw, 'POST', '/contoso.com/oauth2/v2.0/devicecode', { form: { client_id: PUBLIC_CLIENT, scope: IMAP_SCOPE } })).json<{ device_code: string; user_code: string }>();
    secrets.push(started.device_code);
    const dev = cid();
    const page = await https(gw, 'POST', '/devicelogin', { form: { otc: started.user_code, username: ALICE.upn, password: ALICE.password }, headers: { 'client-request-id': dev } });
    t.equal(pageError(page.text), null);
    const devRow = one(t, await signInsFor(gw, dev), 'the device login');
    t.equal(devRow.upn, ALICE.upn);
    t.equal(devRow.app_id, PUBLIC_CLIENT);
    t.equal(devRow.error_code, 0);
    t.equal(devRow.record.isInteractive, true);
    const tokens = await assertToken(t, await postToken(gw, 'contoso.com', { grant_type: 'urn:ietf:params:oauth:grant-type:device_code', client_id: PUBLIC_CLIENT, device_code: started.device_code }));
    secrets.push(tokens.access_token);
  });

  t.test('a confidential client\'s ROPC sign-in names that app', async (t) => {
    const id = cid();
    const body = await assertToken(t, await postToken(gw, 'contoso.com', { ...ropcForm(ALICE.upn, ALICE.password, IMAP_SCOPE, MAIL_APP), client_secret: MAIL_APP_SECRET }, { 'client-request-id': id }));
    secrets.push(body.access_token);
    const row = one(t, await signInsFor(gw, id), 'the request');
    t.equal(row.app_id, MAIL_APP);
    t.equal(row.record.appDisplayName, 'Mail App');
  });

  t.test('no record holds a password, secret, code or token', async (t) => {
    const rows = await signIns(gw);
    t.ok(rows.length >= 10, `${rows.length} records written`);
    const everything = JSON.stringify(rows) + JSON.stringify(await gw.core.store.query('select * from signins'));
    for (const secret of secrets) t.notOk(everything.includes(secret), `record text does not contain ${secret.slice(0, 6)}…`);
    // Nor any piece of a JWT (a token's header is the same for every token the gateway signs).
    t.notMatch(everything, /eyJ[A-Za-z0-9_-]{10,}\.eyJ/, 'no JWT');
  });
});

t.test('a locked-out sign-in is recorded as 50053', async (t) => {
  const gw = await bootGateway(t, { seed: BASE_SEED, freezeClock: true });
  for (let i = 1; i <= 10; i++) await postToken(gw, 'contoso.com', ropcForm(ERIN.upn, `Wrong-${i}`));
  const id = cid();
  const res = await postToken(gw, 'contoso.com', ropcForm(ERIN.upn, ERIN.password), { 'client-request-id': id });
  t.equal(res.status, 400);
  const row = one(t, await signInsFor(gw, id), 'the locked-out attempt');
  t.equal(row.error_code, 50053);
  t.equal(row.record.status.errorCode, 50053);
  t.equal(row.client_app_used, MOBILE);
  const rows = await signIns(gw);
  t.equal(rows.filter((r) => r.error_code === 50126).length, 10, 'the ten bad passwords are each recorded');
  t.notOk(JSON.stringify(rows).includes(ERIN.password), 'no password');
});
