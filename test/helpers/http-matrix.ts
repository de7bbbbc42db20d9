// The auth matrix every HTTP protocol is tested with (issue 4, "Done means"): Basic allowed,
// Basic blocked by Microsoft, blocked by policy, bad password, locked out, Bearer valid, expired,
// wrong audience, missing scope — each asserting status, challenge and x-ms-diagnostics against
// the one HTTP reply table, and the sign-in records the reference says each leaves (§10.5).
import type { Test } from 'tap';
import type { Gateway } from '../../index.js';
import { PROTOCOLS, type ProtocolId } from '../../core/protocols.js';
import { readSignIns } from '../../core/signins/read.js';
import { CHALLENGES, HTTP_REFUSALS, TOKEN_DIAGNOSTICS } from '../../servers/http/auth/replies.js';
import { bootGateway } from './gateway.js';
import { basicAuth as basic, https, ropcToken, type Response } from './https.js';

const HTTP_PROTOCOLS = ['ews', 'eas', 'autodiscover', 'mapi', 'rpc', 'oab', 'powershell', 'reporting'] as const;
const POLICY_SWITCHES = HTTP_PROTOCOLS.map((p) => `${p}: false`).join(', ');

export const MATRIX_CLIENT = '00000000-0000-0000-0000-0000000000d1';
export const MATRIX_USERS = {
  allowed: { upn: 'alice@contoso.com', password: 'Alice-Passw0rd!' },
  policy: { upn: 'bob@contoso.com', password: 'Bob-Passw0rd!' },
  badPassword: { upn: 'erin@contoso.com', password: 'Erin-Passw0rd!' },
  locked: { upn: 'lou@contoso.com', password: 'Lou-Passw0rd!' },
  microsoft: { upn: 'ops@fabrikam.com', password: 'Fabrikam-Passw0rd!' },
} as const;

/** Failed sign-ins before lockout in the matrix's gateway: small, so the test locks a user quickly. */
const LOCKOUT_THRESHOLD = 3;

/** contoso: Basic allowed (bob's policy blocks every HTTP protocol); fabrikam: Microsoft blocks them all. */
export const MATRIX_SEED = `
tenants:
  - name: contoso
    domains: [contoso.com]
    phase: before-programme
    authenticationPolicies:
      - name: NoBasicHttp
        allowBasicAuth: { ${POLICY_SWITCHES} }
    users:
      - upn: alice@contoso.com
        password: "Alice-Passw0rd!"
        roles: [GlobalAdministrator]
      - upn: bob@contoso.com
        password: "Bob-Passw0rd!"
        authenticationPolicy: NoBasicHttp
      - upn: erin@contoso.com
        password: "Erin-Passw0rd!"
      - upn: lou@contoso.com
        password: "Lou-Passw0rd!"
    apps:
      - clientId: ${MATRIX_CLIENT}
        displayName: Matrix Public Client
        delegated: [EWS.AccessAsUser.All, EAS.AccessAsUser.All, Exchange.Manage, IMAP.AccessAsUser.All, SMTP.Send, User.Read]
  - name: fabrikam
    domains: [fabrikam.com]
    phase: before-programme
    basicAuthBlockedApps: [${HTTP_PROTOCOLS.join(', ')}]
    users:
      - upn: ops@fabrikam.com
        password: "Fabrikam-Passw0rd!"
        roles: [GlobalAdministrator]
`;

export interface MatrixTarget {
  protocol: ProtocolId;
  method: string;
  /** The request path; a function gets the UPN the request signs in as (EAS's `User=`) and the gateway. */
  path: string | ((upn: string, gw: Gateway) => string);
  headers?: Record<string, string>;
  body?: string | Buffer;
  /** What a signed-in request gets; called for Basic allowed and Bearer valid. */
  expectOk(t: Test, res: Response, how: 'basic' | 'bearer'): void | Promise<void>;
  /** Extra seed text appended to MATRIX_SEED's tenants (indented as a list item under `tenants:`). */
  seedExtra?: string;
}

/** Delegated scope a valid token carries for the protocol, and one that is not the protocol's. */
function scopesFor(protocol: ProtocolId): { valid: string; other: string | null } {
  const scope = PROTOCOLS[protocol].delegatedScope;
  return {
    valid: `https://outlook.office365.com/${scope ?? 'EWS.AccessAsUser.All'}`,
    other: scope ? `https://outlook.office365.com/${scope === 'IMAP.AccessAsUser.All' ? 'SMTP.Send' : 'IMAP.AccessAsUser.All'}` : null,
  };
}

const ropc = (gw: Gateway, upn: string, password: string, scope: string) =>
  ropcToken(gw, 'contoso.com', MATRIX_CLIENT, { upn, password }, scope);

export async function runAuthMatrix(t: Test, target: MatrixTarget): Promise<void> {
  const gw = await bootGateway(t, { seed: MATRIX_SEED + (target.seedExtra ?? ''), limits: { lockoutThreshold: LOCKOUT_THRESHOLD } });
  const facts = PROTOCOLS[target.protocol];
  const call = (upn: string, authorization: string) => {
    const path = typeof target.path === 'function' ? target.path(upn, gw) : target.path;
    return https(gw, target.method, path, { headers: { ...target.headers, authorization }, body: target.body });
  };
  const records = async (upn: string) => {
    await gw.flush();
    return (await readSignIns(gw.core.store, { limit: 10_000 })).filter((r) => r.userPrincipalName === upn && r.clientAppUsed === facts.clientAppUsed);
  };
  const assertRefusal = (tt: Test, res: Response, refusal: { status: number; challenge: string | null; diagnostics: string | null }) => {
    tt.equal(res.status, refusal.status, 'status from the reply table');
    tt.equal(res.headers['www-authenticate'], refusal.challenge ?? undefined, 'WWW-Authenticate from the reply table');
    tt.equal(res.headers['x-ms-diagnostics'], refusal.diagnostics ?? undefined, 'x-ms-diagnostics from the reply table');
    tt.equal(res.headers['x-backendhttpstatus'], String(refusal.status), 'X-BackEndHttpStatus is the response status');
    tt.match(res.headers['x-feserver'], /^[A-Z]{2}\d/, 'X-FEServer names a front end');
    tt.notMatch(res.text, /\bat .+\.js:\d+/, 'no stack trace in the body');
  };
  const { valid, other } = scopesFor(target.protocol);
  const U = MATRIX_USERS;

  // Tokens first: the expired case moves the clock, so it runs last.
  const validToken = await ropc(gw, U.allowed.upn, U.allowed.password, valid);
  const graphToken = await ropc(gw, U.allowed.upn, U.allowed.password, 'https://graph.microsoft.com/User.Read');
  const otherToken = other ? await ropc(gw, U.allowed.upn, U.allowed.password, other) : null;

  await t.test(`${target.protocol}: no credentials → 401 with the Bearer and Basic challenges`, async (tt) => {
    const path = typeof target.path === 'function' ? target.path(U.allowed.upn, gw) : target.path;
    const res = await https(gw, target.method, path, { headers: target.headers, body: target.body });
    assertRefusal(tt, res, HTTP_REFUSALS['no-credentials']);
    tt.equal(res.headers['www-authenticate'], CHALLENGES.none);
  });

  await t.test(`${target.protocol}: Basic allowed → signed in, and a successful sign-in record`, async (tt) => {
    const res = await call(U.allowed.upn, basic(U.allowed.upn, U.allowed.password));
    await target.expectOk(tt, res, 'basic');
    const found = await records(U.allowed.upn);
    tt.ok(found.some((r) => r.status.errorCode === 0), `a successful "${facts.clientAppUsed}" sign-in record`);
  });

  await t.test(`${target.protocol}: Basic blocked by Microsoft → bare 401, no sign-in record`, async (tt) => {
    const res = await call(U.microsoft.upn, basic(U.microsoft.upn, U.microsoft.password));
    assertRefusal(tt, res, HTTP_REFUSALS['basic-blocked-by-microsoft']);
    tt.equal(res.headers['www-authenticate'], 'Basic Realm="",Basic Realm=""', 'the reference §5.1 challenge');
    tt.equal(res.headers['content-length'], '0', 'no body (§5.1)');
    tt.same(await records(U.microsoft.upn), [], 'the identity platform never heard of it (§10.5)');
  });

  await t.test(`${target.protocol}: Basic blocked by an authentication policy → bare 401, no sign-in record`, async (tt) => {
    const res = await call(U.policy.upn, basic(U.policy.upn, U.policy.password));
    assertRefusal(tt, res, HTTP_REFUSALS['basic-blocked-by-policy']);
    tt.equal(res.headers['content-length'], '0');
    tt.same(await records(U.policy.upn), []);
  });

  await t.test(`${target.protocol}: bad password → 401 from the identity platform, record 50126`, async (tt) => {
    const res = await call(U.badPassword.upn, basic(U.badPassword.upn, 'not-the-password'));
    assertRefusal(tt, res, HTTP_REFUSALS['bad-credentials']);
    tt.match(res.headers['content-type'], /^text\/html/, 'IIS 401 page (§5.2)');
    tt.match(res.text, /401 - Unauthorized/);
    tt.equal(res.headers['x-mailboxguid'], gw.core.directory.userByUpn(U.badPassword.upn)?.id, 'X-MailboxGuid for an existing user (§5.2)');
    tt.ok((await records(U.badPassword.upn)).some((r) => r.status.errorCode === 50126), 'a 50126 record');
  });

  await t.test(`${target.protocol}: locked out → 401 even with the right password, record 50053`, async (tt) => {
    for (let i = 0; i < LOCKOUT_THRESHOLD; i++) await call(U.locked.upn, basic(U.locked.upn, `wrong-${i}`));
    const res = await call(U.locked.upn, basic(U.locked.upn, U.locked.password));
    assertRefusal(tt, res, HTTP_REFUSALS['locked-out']);
    tt.ok((await records(U.locked.upn)).some((r) => r.status.errorCode === 50053), 'a 50053 record');
  });

  await t.test(`${target.protocol}: Bearer valid → signed in`, async (tt) => {
    const res = await call(U.allowed.upn, `Bearer ${validToken}`);
    await target.expectOk(tt, res, 'bearer');
  });

  await t.test(`${target.protocol}: Bearer with a token that cannot be parsed → 401 2000001`, async (tt) => {
    const res = await call(U.allowed.upn, 'Bearer not.a.token');
    assertRefusal(tt, res, { ...HTTP_REFUSALS['token-invalid'], diagnostics: TOKEN_DIAGNOSTICS.unparseable });
    tt.equal(res.headers['www-authenticate'], CHALLENGES.badToken);
  });

  await t.test(`${target.protocol}: Bearer for another audience (Graph) → 401 2000003`, async (tt) => {
    const res = await call(U.allowed.upn, `Bearer ${graphToken}`);
    assertRefusal(tt, res, { ...HTTP_REFUSALS['wrong-audience'], diagnostics: TOKEN_DIAGNOSTICS['wrong-audience'] });
  });

  if (otherToken) {
    await t.test(`${target.protocol}: Bearer without ${facts.delegatedScope} → 401 2000008`, async (tt) => {
      const res = await call(U.allowed.upn, `Bearer ${otherToken}`);
      assertRefusal(tt, res, { ...HTTP_REFUSALS['missing-scope'], diagnostics: TOKEN_DIAGNOSTICS['no-permission'] });
    });
  } else {
    t.comment(`${target.protocol}: no delegated scope is needed, so a token cannot lack it`);
  }

  await t.test(`${target.protocol}: Bearer expired → 401 with the expiry diagnostic`, async (tt) => {
    await gw.clock.advance('2h');
    const res = await call(U.allowed.upn, `Bearer ${validToken}`);
    assertRefusal(tt, res, { ...HTTP_REFUSALS['token-expired'], diagnostics: TOKEN_DIAGNOSTICS.expired });
  });
}
