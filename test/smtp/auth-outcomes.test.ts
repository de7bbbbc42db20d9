// Every auth-core outcome that applies to SMTP, over a raw socket, AUTH LOGIN and AUTH PLAIN,
// read byte for byte and compared with the reply table AND with the reference's text (§4.2).
import t, { type Test } from 'tap';
import { readSignIns } from '../../core/signins/read.js';
import { AUTH_REPLIES } from '../../servers/smtp/replies.js';
import { BASE_SEED, bootGateway } from '../helpers/gateway.js';
import { b64, plain, readyForAuth } from '../helpers/smtp-wire.js';

/** `[HOST ISO-TIME ID]`, the bracket Exchange Online appends since ~2023 (§4.1). */
export const MODERN_SUFFIX = / \[[A-Z]{2}\d[A-Z0-9]+CA\d{4}\.[a-z]{3}prd\d{2}\.prod\.outlook\.com \d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z [0-9A-F]{16}\]$/;
/** `[HOST]`, up to 2022. */
export const OLD_SUFFIX = / \[[A-Z]{2}\d[A-Z0-9]+CA\d{4}\.[a-z]{3}prd\d{2}\.prod\.outlook\.com\]$/;

// The reference's words (§4.2), typed out independently of servers/smtp/replies.ts.
const REFERENCE = {
  basicDisabled: '535 5.7.139 Authentication unsuccessful, basic authentication is disabled.',
  tenantDisabled:
    '535 5.7.139 Authentication unsuccessful, SmtpClientAuthentication is disabled for the Tenant. Visit https://aka.ms/smtp_auth_disabled for more information.',
  mailboxDisabled:
    '535 5.7.139 Authentication unsuccessful, SmtpClientAuthentication is disabled for the Mailbox. Visit https://aka.ms/smtp_auth_disabled for more information.',
  badCredentials: '535 5.7.139 Authentication unsuccessful, the user credentials were incorrect.',
  securityDefaults: "535 5.7.139 Authentication unsuccessful, user is locked by your organization's security defaults policy. Contact your administrator.",
  criteria: '535 5.7.139 Authentication unsuccessful, the request did not meet the criteria to be authenticated successfully. Contact your administrator.',
  locked: '535 5.7.139 Authentication unsuccessful, account locked.',
  generic: '535 5.7.3 Authentication unsuccessful',
  retired: '550 5.7.30 Basic authentication is not supported for Client Submission.',
  ok: '235 2.7.0 Authentication successful',
} as const;

/** Splits a reply into its text and its bracket, and checks the bracket's shape. */
function withoutSuffix(t: Test, line: string, suffix = MODERN_SUFFIX): string {
  t.match(line, suffix, `"${line}" ends with Exchange's bracket`);
  return line.replace(suffix, '');
}

type Mech = 'LOGIN' | 'PLAIN';

async function authLine(port: number, ca: string, mech: Mech, user: string, pass: string): Promise<string> {
  const wire = await readyForAuth(port, ca);
  try {
    if (mech === 'PLAIN') return await wire.command(`AUTH PLAIN ${plain(user, pass)}`);
    const first = await wire.command('AUTH LOGIN');
    if (first !== '334 VXNlcm5hbWU6') throw new Error(`unexpected prompt ${first}`);
    const second = await wire.command(b64(user));
    if (second !== '334 UGFzc3dvcmQ6') throw new Error(`unexpected prompt ${second}`);
    return await wire.command(b64(pass));
  } finally {
    wire.end();
  }
}

t.test('each Basic outcome answers with its exact line, LOGIN and PLAIN alike', async (t) => {
  const gw = await bootGateway(t, { seed: BASE_SEED });
  const port = gw.ports.smtp;
  const cases: [string, string, string, keyof typeof REFERENCE, keyof typeof AUTH_REPLIES][] = [
    ['blocked by authentication policy', 'bob@contoso.com', 'Bob-Passw0rd!', 'basicDisabled', 'basic-blocked-by-policy'],
    ["blocked by Microsoft (BasicAuthBlockedApps)", 'lee@litware.com', 'Litware-Passw0rd!', 'basicDisabled', 'basic-blocked-by-microsoft'],
    ['SMTP AUTH disabled for the tenant', 'ops@fabrikam.com', 'Fabrikam-Passw0rd!', 'tenantDisabled', 'smtp-auth-disabled-tenant'],
    ['SMTP AUTH disabled for the mailbox', 'dave@contoso.com', 'Dave-Passw0rd!', 'mailboxDisabled', 'smtp-auth-disabled-mailbox'],
    ['wrong password', 'alice@contoso.com', 'not-her-password', 'badCredentials', 'bad-credentials'],
    ['unknown user in a known tenant', 'nobody@contoso.com', 'whatever', 'badCredentials', 'unknown-user'],
    ['unknown domain', 'someone@unknown.example', 'whatever', 'badCredentials', 'unknown-tenant'],
    ['security defaults', 'ana@northwind.com', 'Northwind-Passw0rd!', 'securityDefaults', 'security-defaults'],
    ['conditional access blocks legacy authentication', 'sam@woodgrove.com', 'Woodgrove-Passw0rd!', 'criteria', 'conditional-access'],
    ['per-user MFA with the account password', 'carol@contoso.com', 'Carol-Passw0rd!', 'criteria', 'mfa-required'],
  ];
  for (const mech of ['LOGIN', 'PLAIN'] as const) {
    for (const [name, user, pass, ref, outcome] of cases) {
      const line = await authLine(port, gw.caCert, mech, user, pass);
      const text = withoutSuffix(t, line);
      t.equal(text, REFERENCE[ref], `${mech}: ${name} reads as the reference`);
      const table = AUTH_REPLIES[outcome];
      t.equal(text, `${table.code} ${table.enhanced} ${table.text}`, `${mech}: ${name} comes from the reply table`);
    }
    t.equal(await authLine(port, gw.caCert, mech, 'alice@contoso.com', 'Alice-Passw0rd!'), REFERENCE.ok, `${mech}: the right password`);
    t.equal(await authLine(port, gw.caCert, mech, 'carol@contoso.com', 'carolapppassword'), REFERENCE.ok, `${mech}: an app password of an MFA user`);
    t.equal(await authLine(port, gw.caCert, mech, 'scanner@fabrikam.com', 'Scanner-Passw0rd!'), REFERENCE.ok, `${mech}: the mailbox's $false beats the tenant's switch`);
  }
});

t.test('smart lockout: ten different wrong passwords lock the account, even against the right one', async (t) => {
  const gw = await bootGateway(t, { seed: BASE_SEED });
  for (let i = 0; i < 9; i++) withoutSuffix(t, await authLine(gw.ports.smtp, gw.caCert, 'LOGIN', 'erin@contoso.com', `wrong-${i}`));
  // The same wrong password again does not count (Entra remembers the last bad ones).
  t.equal(withoutSuffix(t, await authLine(gw.ports.smtp, gw.caCert, 'LOGIN', 'erin@contoso.com', 'wrong-8')), REFERENCE.badCredentials);
  t.equal(await authLine(gw.ports.smtp, gw.caCert, 'LOGIN', 'erin@contoso.com', 'Erin-Passw0rd!'), REFERENCE.ok, 'nine failures are not enough');
  for (let i = 0; i < 10; i++) withoutSuffix(t, await authLine(gw.ports.smtp, gw.caCert, 'PLAIN', 'erin@contoso.com', `again-${i}`));
  t.equal(withoutSuffix(t, await authLine(gw.ports.smtp, gw.caCert, 'PLAIN', 'erin@contoso.com', 'Erin-Passw0rd!')), REFERENCE.locked, 'locked even with the right password');
  await gw.clock.advance('61s');
  t.equal(await authLine(gw.ports.smtp, gw.caCert, 'PLAIN', 'erin@contoso.com', 'Erin-Passw0rd!'), REFERENCE.ok, 'the lockout lasts one minute');
});

t.test('before 2021 every Basic failure was the generic 5.7.3 line, with the old [HOST] bracket', async (t) => {
  const gw = await bootGateway(t, { seed: BASE_SEED, clock: '2020-06-01T00:00:00Z' });
  for (const [user, pass] of [
    ['bob@contoso.com', 'Bob-Passw0rd!'],
    ['alice@contoso.com', 'wrong'],
    ['ops@fabrikam.com', 'Fabrikam-Passw0rd!'],
    ['ana@northwind.com', 'Northwind-Passw0rd!'],
  ]) {
    const line = await authLine(gw.ports.smtp, gw.caCert, 'LOGIN', user, pass);
    t.equal(withoutSuffix(t, line, OLD_SUFFIX), REFERENCE.generic, `${user} in 2020`);
  }
  t.equal(await authLine(gw.ports.smtp, gw.caCert, 'LOGIN', 'alice@contoso.com', 'Alice-Passw0rd!'), REFERENCE.ok);
});

t.test("SMTP AUTH's Basic retirement follows the emulated date (§4.4)", async (t) => {
  const gw = await bootGateway(t, { seed: BASE_SEED, clock: '2026-12-30T12:00:00Z' });
  t.equal(await authLine(gw.ports.smtp, gw.caCert, 'LOGIN', 'alice@contoso.com', 'Alice-Passw0rd!'), REFERENCE.ok, 'still on the day before the default flips');
  await gw.clock.set('2026-12-31T00:00:00Z');
  t.equal(await authLine(gw.ports.smtp, gw.caCert, 'LOGIN', 'alice@contoso.com', 'Alice-Passw0rd!'), REFERENCE.retired, 'off by default from the end of December 2026');
  await gw.seed('tenants: [{ name: contoso, smtpBasicAuthReenabled: true }]');
  t.equal(await authLine(gw.ports.smtp, gw.caCert, 'LOGIN', 'alice@contoso.com', 'Alice-Passw0rd!'), REFERENCE.ok, 'an existing tenant can turn it back on');
  await gw.clock.set('2027-07-01T00:00:00Z');
  t.equal(await authLine(gw.ports.smtp, gw.caCert, 'PLAIN', 'alice@contoso.com', 'Alice-Passw0rd!'), REFERENCE.retired, 'gone for everyone once removed');
});

t.test('sign-in records: blocked Basic leaves none, decisions of the identity platform leave one each', async (t) => {
  const gw = await bootGateway(t, { seed: BASE_SEED });
  const port = gw.ports.smtp;
  await authLine(port, gw.caCert, 'LOGIN', 'bob@contoso.com', 'Bob-Passw0rd!'); // policy: none
  await authLine(port, gw.caCert, 'LOGIN', 'lee@litware.com', 'Litware-Passw0rd!'); // Microsoft: none
  await authLine(port, gw.caCert, 'LOGIN', 'alice@contoso.com', 'wrong-password'); // 50126
  await authLine(port, gw.caCert, 'LOGIN', 'alice@contoso.com', 'Alice-Passw0rd!'); // 0
  await authLine(port, gw.caCert, 'LOGIN', 'sam@woodgrove.com', 'Woodgrove-Passw0rd!'); // 53003
  await gw.flush();
  const rows = (await readSignIns(gw.core.store)).reverse().map((record) => ({
    upn: record.userPrincipalName,
    error_code: record.status.errorCode,
    client_app_used: record.clientAppUsed,
    record,
  }));
  t.same(
    rows.map((r) => [r.upn, r.error_code, r.client_app_used]),
    [
      ['alice@contoso.com', 50126, 'Authenticated SMTP'],
      ['alice@contoso.com', 0, 'Authenticated SMTP'],
      ['sam@woodgrove.com', 53003, 'Authenticated SMTP'],
    ],
  );
  const ca = rows[2].record as { conditionalAccessStatus: string; appliedConditionalAccessPolicies: { result: string }[]; status: { failureReason: string } };
  t.equal(ca.conditionalAccessStatus, 'failure');
  t.equal(ca.appliedConditionalAccessPolicies[0].result, 'failure');
  t.match(ca.status.failureReason, /Conditional Access/);
  const all = JSON.stringify(rows);
  t.notMatch(all, /Passw0rd|wrong-password/, 'no secret in any record');
  const usage = await gw.core.store.query<{ protocol: string; auth_kind: string; successes: number }>('select protocol, auth_kind, successes from usage_daily');
  t.same(usage, [{ protocol: 'smtp', auth_kind: 'basic', successes: 1 }], 'the Basic success counts as SMTP usage');
});
