// Issue 5, "Done means" bullet 1: a tenant walked through the proactive disablement on the
// emulated clock, over real sockets. POP3 is never used → Message Center notice → 30 days →
// POP3 Basic refused on the real POP3 wire with the reference's reply (§3) → the diagnostic
// re-enables it → still refused until the propagation delay has passed → accepted. IMAP, used
// every day over the real IMAP wire, is never touched; EWS, opted out before its date, is spared.
import t from 'tap';
import { PROTOCOLS } from '../../core/protocols.js';
import { DIAGNOSTIC_TEXTS } from '../../core/programme/texts.js';
import { NOTICE_PERIOD_MS } from '../../core/programme/schedule.js';
import { LOGIN_OK } from '../../servers/imap/replies.js';
import { SIGN_IN } from '../../servers/pop3/replies.js';
import { bootGateway } from '../helpers/gateway.js';
import { https } from '../helpers/https.js';
import { imapsSession } from '../helpers/imap-wire.js';
import { userPass } from '../pop3/pop3-wire.js';
import { cmdlet, controlSeed, graphToken, issues, messages, moveClock, PASSWORD, protocolsOf, runTests, tenantYaml, updateSettings } from './helpers.js';

const tailspin = tenantYaml({ name: 'tailspin', extra: 'phase: before-programme', users: { mail: [] } });
const ADMIN = 'admin@tailspin.com';
const MAIL = 'mail@tailspin.com';
const DAY = 86_400_000;

t.test('a tenant through the proactive disablement, on the wire', async (t) => {
  const gw = await bootGateway(t, { seed: `tenants:\n${tailspin.yaml}\n`, freezeClock: true });
  const adminToken = () => graphToken(gw, ADMIN, tailspin.appId);

  const imapLogin = async () => {
    const { wire } = await imapsSession(gw.ports.imaps, gw.caCert);
    const lines = await wire.command('xm001', `LOGIN ${MAIL} ${PASSWORD}`);
    wire.end();
    return lines[lines.length - 1];
  };
  const popPass = async () => {
    const { wire, reply } = await userPass(gw, MAIL, PASSWORD);
    wire.end();
    return reply;
  };
  const blockedApps = async () => (await cmdlet(gw, 'tailspin', 'Get-OrganizationConfig')).json<{ value: { BasicAuthBlockedApps: string }[] }>().value[0].BasicAuthBlockedApps;

  // The tenant is kept out of the programme (pinned before it) until IMAP has been used on the
  // day the job first looks: usage is what spares a protocol.
  await moveClock(gw, { set: '2021-03-01T08:00:00Z' });
  t.equal(await imapLogin(), `xm001 OK ${LOGIN_OK.text}`, 'IMAP Basic works on 2021-03-01');
  await controlSeed(gw, 'tenants: [{ name: tailspin, phase: null }]');
  const run = await https(gw, 'POST', '/_exogate/jobs/run', { control: true });
  t.equal(run.status, 200, 'POST /_exogate/jobs/run runs the due jobs');
  t.equal(run.json<{ notices: string[] }>().notices.length, 1, 'one notice posted');

  let token = await adminToken();
  const posted = await messages(gw, token);
  t.equal(posted.value.length, 1, 'the notice is on Graph');
  const notice = posted.value[0];
  t.equal(notice.category, 'planForChange');
  t.same(notice.services, ['Exchange Online']);
  t.match(notice.id, /^MC\d+$/);
  const announced = protocolsOf(notice);
  t.ok(announced.includes('pop'), 'POP3 is announced');
  t.ok(announced.includes('ews'), 'EWS is announced');
  t.notOk(announced.includes('imap'), 'IMAP, used today, is not');
  t.notOk(announced.includes('smtp'), 'SMTP AUTH is not part of it');
  t.match(notice.body.content, PROTOCOLS.pop.displayName);
  t.match(notice.body.content, 'March 31, 2021', 'the body names the date, 30 days on');
  t.equal(notice.actionRequiredByDateTime, '2021-03-31T08:00:00Z');
  const dueAt = Date.parse('2021-03-01T08:00:00Z') + NOTICE_PERIOD_MS;

  const tests = (await runTests(gw, token)).json<{ code: string; pending: { protocols: { id: string }[] }[] }>();
  t.equal(tests.code, 'noneDisabled', 'Run Tests: nothing disabled yet');
  t.ok(tests.pending[0].protocols.some((p) => p.id === 'pop'), 'and the pending disablement is listed');

  // 29 days of daily IMAP use; EWS opted out on day 10, before its date.
  for (let day = 1; day < 30; day++) {
    await moveClock(gw, { advance: '1d' });
    t.equal(await imapLogin(), `xm001 OK ${LOGIN_OK.text}`, `IMAP works on day ${day}`);
    if (day === 10) {
      token = await adminToken();
      const optOut = await updateSettings(gw, token, { action: 'opt-out', protocol: 'ews', acceptWarning: true });
      t.equal(optOut.status, 200, 'EWS opted out');
      t.equal(optOut.json<{ message: string }>().message, `Basic authentication will not be disabled for ${PROTOCOLS.ews.displayName} on March 31, 2021.`);
    }
  }
  // A POP3 sign-in now would be usage and spare POP3 (§0); the organization config shows it is still on.
  t.notMatch(await blockedApps(), /\bPop\b/, 'the day before the date, POP3 Basic is still on');
  t.equal((await messages(gw, await adminToken())).value.length, 1, 'and no further notice was posted');

  await moveClock(gw, { advance: '1d' });
  t.equal(gw.clock.now().getTime(), dueAt, 'the clock stands on the date');
  t.equal(await popPass(), `-ERR ${SIGN_IN.logonFailed.text}`, "POP3 Basic is refused with the reference's reply (§3)");
  t.equal(await imapLogin(), `xm001 OK ${LOGIN_OK.text}`, 'IMAP, used every day, is untouched');
  const blocked = await blockedApps();
  t.match(blocked, /\bPop\b/, 'BasicAuthBlockedApps names POP3');
  t.notMatch(blocked, /\bImap\b/, 'not IMAP');
  t.notMatch(blocked, /\bWebServices\b/, 'not EWS, which was opted out');

  token = await adminToken();
  const after = await messages(gw, token);
  t.equal(after.value.length, 2, 'the confirmation is posted');
  const confirmation = after.value[0];
  t.equal(confirmation.startDateTime, '2021-03-31T08:00:00Z', 'dated on the date');
  t.ok(protocolsOf(confirmation).includes('pop'));
  t.notOk(protocolsOf(confirmation).includes('ews'), 'EWS spared');
  t.notOk(protocolsOf(confirmation).includes('imap'));
  const advisories = await issues(gw, token);
  t.equal(advisories.value.length, 1, 'and a Service Health advisory');
  t.match(advisories.value[0], { classification: 'advisory', service: 'Exchange Online', origin: 'microsoft' });

  const listed = (await runTests(gw, token)).json<{ code: string; message: string; disabled: { id: string }[] }>();
  t.equal(listed.code, 'disabledList');
  t.ok(listed.disabled.some((p) => p.id === 'pop'), 'Run Tests lists POP3 as disabled');
  t.notOk(listed.disabled.some((p) => p.id === 'ews' || p.id === 'imap'), 'neither EWS nor IMAP');

  const reenable = await updateSettings(gw, token, { action: 're-enable', protocol: 'pop', acceptWarning: true });
  t.equal(reenable.status, 200, 're-enabled through the diagnostic');
  const change = reenable.json<{ message: string; effectiveAt: string }>();
  t.equal(change.message, DIAGNOSTIC_TEXTS.reenabled.text.replace('{protocols}', PROTOCOLS.pop.displayName));
  const effectiveAt = Date.parse(change.effectiveAt);
  t.equal(effectiveAt, gw.clock.now().getTime() + gw.core.limits.diagnosticPropagationMs, 'effective after the propagation delay');

  t.equal(await popPass(), `-ERR ${SIGN_IN.logonFailed.text}`, 'still refused right after the change');
  await moveClock(gw, { set: new Date(effectiveAt - 1000).toISOString() });
  t.equal(await popPass(), `-ERR ${SIGN_IN.logonFailed.text}`, 'still refused a second before the delay has passed');
  await moveClock(gw, { advance: '1s' });
  t.equal(await popPass(), `+OK ${SIGN_IN.loggedOn.text}`, 'accepted once it has');
  t.notMatch(await blockedApps(), /\bPop\b/, 'BasicAuthBlockedApps no longer names POP3');

  // A month later: POP3 was re-enabled, IMAP and EWS used or opted out — nothing new is announced.
  for (let i = 0; i < 3; i++) {
    await moveClock(gw, { advance: '10d' });
    await imapLogin();
  }
  const later = await messages(gw, await adminToken());
  t.equal(later.value.length, 2, 'the notice and the confirmation, nothing since');
  t.notOk(later.value.some((m) => m.id !== notice.id && m.category === 'planForChange' && protocolsOf(m).some((p) => ['pop', 'imap', 'ews'].includes(p))), 'no notice names POP3, IMAP or EWS again');
  t.ok(gw.clock.now().getTime() > dueAt + 30 * DAY);
});
