// An effective-dated setting changes the SMTP wire's answer exactly when it falls due on the
// emulated clock, moved through the control API (DESIGN.md "Time", "Control API").
import t from 'tap';
import { BASE_SEED, bootGateway } from '../helpers/gateway.js';
import { https } from '../helpers/https.js';
import { plain, readyForAuth } from '../helpers/smtp-wire.js';

const OK = '235 2.7.0 Authentication successful';
const TENANT_OFF = /^535 5\.7\.139 Authentication unsuccessful, SmtpClientAuthentication is disabled for the Tenant\./;

async function alice(port: number, ca: string): Promise<string> {
  const wire = await readyForAuth(port, ca);
  const line = await wire.command(`AUTH PLAIN ${plain('alice@contoso.com', 'Alice-Passw0rd!')}`);
  wire.end();
  return line;
}

t.test('a change scheduled for later takes effect at its instant, not a millisecond before', async (t) => {
  const gw = await bootGateway(t, { seed: BASE_SEED, clock: '2024-03-01T09:00:00Z', freezeClock: true });
  const control = (body: object) => https(gw, 'POST', '/_exogate/clock', { json: body, control: true });

  const scheduled = await https(gw, 'POST', '/_exogate/seed?effectiveAt=2024-03-01T10:00:00Z', {
    body: 'tenants: [{ name: contoso, smtpClientAuthenticationDisabled: true }]',
    headers: { 'content-type': 'text/yaml' },
    control: true,
  });
  t.equal(scheduled.status, 200, scheduled.text);
  t.equal(await alice(gw.ports.smtp, gw.caCert), OK, 'nothing changes yet');

  const moved = await control({ advance: '3599.999' });
  t.same(moved.json(), { now: '2024-03-01T09:59:59.999Z' });
  t.equal(await alice(gw.ports.smtp, gw.caCert), OK, 'one millisecond before');

  await control({ advance: 0.001 });
  t.match(await alice(gw.ports.smtp, gw.caCert), TENANT_OFF, 'at the instant');

  await control({ set: '2024-03-01T09:30:00Z' });
  t.equal(await alice(gw.ports.smtp, gw.caCert), OK, 'history is kept: back in time, the old answer');

  const clock = await https(gw, 'GET', '/_exogate/clock', { control: true });
  t.same(clock.json(), { now: '2024-03-01T09:30:00.000Z', frozen: true });
});

t.test('the control API refuses callers without the control token and bad bodies', async (t) => {
  const gw = await bootGateway(t, { seed: BASE_SEED });
  const anonymous = await https(gw, 'GET', '/_exogate/clock');
  t.equal(anonymous.status, 401);
  const wrong = await https(gw, 'GET', '/_exogate/clock', { headers: { authorization: 'Bearer nope' } });
  t.equal(wrong.status, 401);
  const bad = await https(gw, 'POST', '/_exogate/clock', { json: { advance: 'soon' }, control: true });
  t.equal(bad.status, 400);
  t.match(bad.json(), { error: /not a duration/ });
  const neither = await https(gw, 'POST', '/_exogate/clock', { json: {}, control: true });
  t.equal(neither.status, 400);
  const badJson = await https(gw, 'POST', '/_exogate/clock', { body: '{"advance":', headers: { 'content-type': 'application/json' }, control: true });
  t.equal(badJson.status, 400);
  t.notMatch(badJson.text, /at .*\.js/, 'no stack trace on the wire');
  const badSeed = await https(gw, 'POST', '/_exogate/seed', { body: 'tenants: [{ name: contoso, securityDefaults: maybe }]', headers: { 'content-type': 'text/yaml' }, control: true });
  t.equal(badSeed.status, 400);
  t.match(badSeed.json(), { error: 'invalid seed', problems: [/tenants\[0\]\.securityDefaults \(line 1\)/] });
});
