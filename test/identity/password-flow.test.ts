// The resource-owner password grant (ROPC, reference §8.1): user tokens in Entra's v1 shape
// (§8.4), refresh and ID tokens on request, and the identity platform's refusals (§8.5):
// bad credentials, unknown user, MFA (per-user and security defaults), app passwords, smart
// lockout, scopes and consent.
import { decodeJwt } from 'jose';
import t from 'tap';
import { BASE_SEED, bootGateway } from '../helpers/gateway.js';
import { userToken } from '../helpers/https.js';
import {
  ALICE,
  ANA,
  assertAadsts,
  assertToken,
  CAROL,
  ERIN,
  EXCHANGE_RESOURCE,
  GLOBAL_ADMIN_WID,
  IMAP_SCOPE,
  MAIL_APP,
  MAIL_APP_SECRET,
  NORTHWIND_CLIENT,
  NORTHWIND_FRAGMENT,
  postToken,
  PUBLIC_CLIENT,
  ropcForm,
  SMTP_SCOPE,
  tenantId,
  userId,
  verifyJwt,
} from './helpers.js';

t.test('password grant', async (t) => {
  const gw = await bootGateway(t, { seed: BASE_SEED });
  const tid = tenantId(gw, 'contoso');

  t.test('a Global Administrator gets a v1 delegated token with scp, upn, name, amr and wids', async (t) => {
    const res = await postToken(gw, 'contoso.com', ropcForm(ALICE.upn, ALICE.password, `${IMAP_SCOPE} ${SMTP_SCOPE}`));
    const body = await assertToken(t, res);
    t.equal(body.refresh_token, undefined, 'no refresh token without offline_access');
    t.equal(body.id_token, undefined, 'no id token without openid');
    t.ok(body.scope.split(' ').includes(IMAP_SCOPE), 'response scope lists IMAP');
    t.ok(body.scope.split(' ').includes(SMTP_SCOPE), 'response scope lists SMTP');
    const { payload } = await verifyJwt(gw, 'contoso.com', body.access_token);
    t.equal(payload.aud, 'https://outlook.office.com');
    t.equal(payload.iss, `https://sts.windows.net/${tid}/`);
    t.equal(payload.ver, '1.0');
    t.equal(payload.idtyp, 'user');
    t.equal(payload.tid, tid);
    t.equal(payload.oid, userId(gw, ALICE.upn));
    t.equal(payload.appid, PUBLIC_CLIENT);
    t.equal(payload.appidacr, '0', 'a public client does not authenticate');
    t.equal(payload.scp, 'IMAP.AccessAsUser.All SMTP.Send');
    t.equal(payload.upn, ALICE.upn);
    t.equal(payload.unique_name, ALICE.upn);
    t.type(payload.name, 'string');
    t.ok((payload.name as string).length > 0, 'name is set');
    t.same(payload.amr, ['pwd']);
    t.same(payload.wids, [GLOBAL_ADMIN_WID], 'Global Administrator role template id');
    t.notOk('roles' in payload, 'no roles in a delegated token');
    t.type(payload.sub, 'string');
    t.not(payload.sub, payload.oid, 'sub is pairwise, not the object id');
  });

  t.test('a user without a directory role has no wids', async (t) => {
    const body = await assertToken(t, await postToken(gw, 'contoso.com', ropcForm(ERIN.upn, ERIN.password)));
    const claims = decodeJwt(body.access_token);
    t.equal(claims.upn, ERIN.upn);
    t.notOk('wids' in claims);
    t.equal(claims.scp, 'IMAP.AccessAsUser.All');
  });

  t.test('common, the tenant GUID and the shared userToken() helper all work; the token names the home tenant', async (t) => {
    for (const segment of ['common', 'organizations', tid, 'contoso']) {
      const body = await assertToken(t, await postToken(gw, segment, ropcForm(ALICE.upn, ALICE.password)));
      t.equal(decodeJwt(body.access_token).tid, tid, segment);
    }
    t.equal(decodeJwt(await userToken(gw, ALICE.upn, ALICE.password)).upn, ALICE.upn);
  });

  t.test('the user name is case-insensitive', async (t) => {
    const body = await assertToken(t, await postToken(gw, 'contoso.com', ropcForm('Alice@Contoso.COM', ALICE.password)));
    t.equal(decodeJwt(body.access_token).upn, ALICE.upn);
  });

  t.test('offline_access gives a refresh token', async (t) => {
    const body = await assertToken(t, await postToken(gw, 'contoso.com', ropcForm(ALICE.upn, ALICE.password, `offline_access ${IMAP_SCOPE}`)));
    t.type(body.refresh_token, 'string');
    t.ok(body.refresh_token!.length > 20, 'a long opaque refresh token');
    t.not(body.refresh_token!.split('.').length, 3, 'refresh tokens are opaque, not JWTs');
    t.equal(decodeJwt(body.access_token).scp, 'IMAP.AccessAsUser.All', 'offline_access is not a permission of the resource');
  });

  t.test('openid gives a v2 id token for the client', async (t) => {
    const body = await assertToken(t, await postToken(gw, 'contoso.com', ropcForm(ALICE.upn, ALICE.password, `openid profile ${IMAP_SCOPE}`)));
    t.type(body.id_token, 'string');
    const { payload } = await verifyJwt(gw, 'contoso.com', body.id_token!);
    t.equal(payload.iss, `https://login.microsoftonline.com/${tid}/v2.0`, 'v2 issuer');
    t.equal(payload.aud, PUBLIC_CLIENT, 'aud is the client id');
    t.equal(payload.ver, '2.0');
    t.equal(payload.tid, tid);
    t.equal(payload.oid, userId(gw, ALICE.upn));
    t.equal(payload.preferred_username, ALICE.upn);
    t.type(payload.name, 'string');
    t.equal(payload.sub, decodeJwt(body.access_token).sub, 'same pairwise subject as the access token');
    t.notOk('scp' in payload, 'an id token carries no permissions');
    t.equal(decodeJwt(body.access_token).aud, 'https://outlook.office.com', 'the access token is still for Exchange');
  });

  t.test('.default asks for everything the app was granted on the resource', async (t) => {
    const body = await assertToken(t, await postToken(gw, 'contoso.com', ropcForm(ALICE.upn, ALICE.password, 'https://outlook.office.com/.default')));
    t.equal(decodeJwt(body.access_token).scp, 'IMAP.AccessAsUser.All SMTP.Send');
  });

  t.test('a bare Graph scope gives a Graph token', async (t) => {
    const form = { ...ropcForm(ALICE.upn, ALICE.password, 'User.Read', MAIL_APP), client_secret: MAIL_APP_SECRET };
    const body = await assertToken(t, await postToken(gw, 'contoso.com', form));
    const claims = decodeJwt(body.access_token);
    t.equal(claims.aud, 'https://graph.microsoft.com');
    t.equal(claims.scp, 'User.Read');
  });

  t.test('a confidential client must authenticate', async (t) => {
    const form = ropcForm(ALICE.upn, ALICE.password, IMAP_SCOPE, MAIL_APP);
    assertAadsts(t, await postToken(gw, 'contoso.com', form), { status: 401, error: 'invalid_client', code: 7000218 });
    assertAadsts(t, await postToken(gw, 'contoso.com', { ...form, client_secret: 'wrong' }), { status: 401, error: 'invalid_client', code: 7000215 });
    const body = await assertToken(t, await postToken(gw, 'contoso.com', { ...form, client_secret: MAIL_APP_SECRET }));
    t.equal(decodeJwt(body.access_token).appidacr, '1');
  });

  t.test('wrong password → AADSTS50126', async (t) => {
    const res = await postToken(gw, 'contoso.com', ropcForm(ERIN.upn, 'Not-Erins-Passw0rd'));
    assertAadsts(t, res, { status: 400, error: 'invalid_grant', code: 50126, text: 'Error validating credentials due to invalid username or password.' });
    assertAadsts(t, await postToken(gw, 'contoso.com', ropcForm(ERIN.upn, '')), { status: 400, error: 'invalid_grant', code: 50126 });
  });

  t.test('unknown user → AADSTS50034', async (t) => {
    const res = await postToken(gw, 'contoso.com', ropcForm('nobody@contoso.com', 'Whatever-1'));
    const body = assertAadsts(t, res, { status: 400, error: 'invalid_grant', code: 50034 });
    t.ok(body.error_description.startsWith('AADSTS50034: The user account nobody@contoso.com does not exist in the '));
    // A user of another tenant does not exist in this one.
    assertAadsts(t, await postToken(gw, 'contoso.com', ropcForm('ops@fabrikam.com', 'Fabrikam-Passw0rd!')), { status: 400, error: 'invalid_grant', code: 50034 });
  });

  t.test("common: a user of another tenant with contoso's single-tenant app → AADSTS700016", async (t) => {
    const res = await postToken(gw, 'common', ropcForm('ops@fabrikam.com', 'Fabrikam-Passw0rd!'));
    const body = assertAadsts(t, res, { status: 400, error: 'unauthorized_client', code: 700016 });
    t.ok(body.error_description.startsWith(`AADSTS700016: Application with identifier '${PUBLIC_CLIENT}' was not found in the directory `));
  });

  t.test('per-user MFA → AADSTS50076 (ROPC cannot answer the challenge)', async (t) => {
    const res = await postToken(gw, 'contoso.com', ropcForm(CAROL.upn, CAROL.password));
    assertAadsts(t, res, {
      status: 400,
      error: 'invalid_grant',
      code: 50076,
      text: `Due to a configuration change made by your administrator, or because you moved to a new location, you must use multi-factor authentication to access '${EXCHANGE_RESOURCE}'.`,
    });
  });

  t.test("an app password is not the user's password → AADSTS50126", async (t) => {
    const res = await postToken(gw, 'contoso.com', ropcForm(CAROL.upn, CAROL.appPassword));
    assertAadsts(t, res, { status: 400, error: 'invalid_grant', code: 50126 });
  });

  t.test('a tenant with security defaults → AADSTS50076; a wrong password there is still 50126', async (t) => {
    await gw.seed(NORTHWIND_FRAGMENT);
    assertAadsts(t, await postToken(gw, 'northwind.com', ropcForm(ANA.upn, ANA.password, IMAP_SCOPE, NORTHWIND_CLIENT)), { status: 400, error: 'invalid_grant', code: 50076 });
    assertAadsts(t, await postToken(gw, 'common', ropcForm(ANA.upn, ANA.password, IMAP_SCOPE, NORTHWIND_CLIENT)), { status: 400, error: 'invalid_grant', code: 50076 });
    assertAadsts(t, await postToken(gw, 'northwind.com', ropcForm(ANA.upn, 'wrong-password', IMAP_SCOPE, NORTHWIND_CLIENT)), { status: 400, error: 'invalid_grant', code: 50126 });
  });

  t.test('a disabled account → AADSTS50057', async (t) => {
    await gw.seed(`
tenants:
  - name: contoso
    users:
      - upn: frank@contoso.com
        password: "Frank-Passw0rd!"
        accountEnabled: false
`);
    assertAadsts(t, await postToken(gw, 'contoso.com', ropcForm('frank@contoso.com', 'Frank-Passw0rd!')), {
      status: 400,
      error: 'invalid_grant',
      code: 50057,
      text: 'The user account is disabled.',
    });
  });

  t.test('unknown scope → AADSTS70011', async (t) => {
    for (const scope of ['https://outlook.office.com/Nonexistent.Permission', 'https://api.example.com/Read']) {
      const res = await postToken(gw, 'contoso.com', ropcForm(ALICE.upn, ALICE.password, scope));
      const body = assertAadsts(t, res, { status: 400, error: 'invalid_scope', code: 70011 });
      t.ok(body.error_description.includes(`The scope ${scope} is not valid.`), scope);
    }
  });

  t.test('two resources in one request → AADSTS28000', async (t) => {
    const form = { ...ropcForm(ALICE.upn, ALICE.password, `${IMAP_SCOPE} https://graph.microsoft.com/User.Read`, MAIL_APP), client_secret: MAIL_APP_SECRET };
    const res = await postToken(gw, 'contoso.com', form);
    assertAadsts(t, res, { status: 400, error: 'invalid_scope', code: 28000 });
  });

  t.test('a delegated permission the app was not granted → AADSTS65001', async (t) => {
    const res = await postToken(gw, 'contoso.com', ropcForm(ALICE.upn, ALICE.password, 'https://outlook.office.com/POP.AccessAsUser.All'));
    assertAadsts(t, res, {
      status: 400,
      error: 'invalid_grant',
      code: 65001,
      text: `The user or administrator has not consented to use the application with ID '${PUBLIC_CLIENT}' named 'Public Client'. Send an interactive authorization request for this user and resource.`,
    });
  });

  t.test('missing parameters → AADSTS900144', async (t) => {
    for (const name of ['username', 'password', 'client_id', 'scope']) {
      const form = ropcForm(ALICE.upn, ALICE.password);
      delete form[name];
      assertAadsts(t, await postToken(gw, 'contoso.com', form), {
        status: 400,
        error: 'invalid_request',
        code: 900144,
        text: `The request body must contain the following parameter: '${name}'.`,
      });
    }
  });
});

t.test('smart lockout', async (t) => {
  // A frozen clock: the lockout window (60 s of emulated time) cannot run out mid-test.
  t.test('ten distinct wrong passwords lock the account; then even the right one gets AADSTS50053', async (t) => {
    const gw = await bootGateway(t, { seed: BASE_SEED, freezeClock: true });
    for (let i = 1; i <= 10; i++) {
      assertAadsts(t, await postToken(gw, 'contoso.com', ropcForm(ERIN.upn, `Wrong-Password-${i}`)), { status: 400, error: 'invalid_grant', code: 50126 });
    }
    assertAadsts(t, await postToken(gw, 'contoso.com', ropcForm(ERIN.upn, ERIN.password)), {
      status: 400,
      error: 'invalid_grant',
      code: 50053,
      text: "Your account is locked because you've tried to sign in too many times with an incorrect user ID or password.",
    });
    assertAadsts(t, await postToken(gw, 'contoso.com', ropcForm(ERIN.upn, 'Wrong-Password-11')), { status: 400, error: 'invalid_grant', code: 50053 });
    // Another user of the tenant is not affected.
    await assertToken(t, await postToken(gw, 'contoso.com', ropcForm(ALICE.upn, ALICE.password)));
    // The lockout ends on the emulated clock.
    await gw.clock.advance('2m');
    await assertToken(t, await postToken(gw, 'contoso.com', ropcForm(ERIN.upn, ERIN.password)));
  });

  t.test('the same wrong password repeated counts once', async (t) => {
    const gw = await bootGateway(t, { seed: BASE_SEED, freezeClock: true });
    for (let i = 0; i < 15; i++) {
      assertAadsts(t, await postToken(gw, 'contoso.com', ropcForm(ERIN.upn, 'Stale-Saved-Password')), { status: 400, error: 'invalid_grant', code: 50126 });
    }
    await assertToken(t, await postToken(gw, 'contoso.com', ropcForm(ERIN.upn, ERIN.password)));
  });

  t.test('nine distinct wrong passwords plus repeats of them stay below the threshold', async (t) => {
    const gw = await bootGateway(t, { seed: BASE_SEED, freezeClock: true });
    for (let i = 1; i <= 9; i++) {
      assertAadsts(t, await postToken(gw, 'contoso.com', ropcForm(ERIN.upn, `Wrong-Password-${i}`)), { status: 400, error: 'invalid_grant', code: 50126 });
    }
    for (let i = 0; i < 5; i++) {
      assertAadsts(t, await postToken(gw, 'contoso.com', ropcForm(ERIN.upn, 'Wrong-Password-9')), { status: 400, error: 'invalid_grant', code: 50126 });
    }
    await assertToken(t, await postToken(gw, 'contoso.com', ropcForm(ERIN.upn, ERIN.password)));
    // A success resets the count: nine more distinct failures still do not lock.
    for (let i = 11; i <= 19; i++) {
      assertAadsts(t, await postToken(gw, 'contoso.com', ropcForm(ERIN.upn, `Wrong-Password-${i}`)), { status: 400, error: 'invalid_grant', code: 50126 });
    }
    await assertToken(t, await postToken(gw, 'contoso.com', ropcForm(ERIN.upn, ERIN.password)));
  });
});
