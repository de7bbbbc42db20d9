// Every branch of the self-service diagnostic (issue 5 item 4; reference §0, §7): who may run
// it, what it lists, one protocol or the Outlook group per run behind an accepted warning,
// re-enable and opt-out by phase, the dehydrated organization until
// Enable-OrganizationCustomization, the closed window, and SMTP AUTH's pointer elsewhere.
import t, { type Test } from 'tap';
import { PROTOCOLS } from '../../core/protocols.js';
import { DIAGNOSTIC_TEXTS, programmeText, type DiagnosticTextKey } from '../../core/programme/texts.js';
import { REFUSAL_STATUS } from '../../servers/http/programme/replies.js';
import type { Response } from '../helpers/https.js';
import { bootGateway } from '../helpers/gateway.js';
import { appGraphToken, cmdlet, graphToken, runTests, tenantYaml, updateSettings } from './helpers.js';

const adatum = tenantYaml({
  name: 'adatum',
  extra: 'phase: proactive-disablement\nbasicAuthBlockedApps: [pop, imap, mapi]',
  users: { partner: ['DelegatedAdmin'], reader: ['GlobalReader'], worker: [] },
  appRoles: ['ServiceMessage.Read.All'],
});
const gcc = tenantYaml({ name: 'gccorg', extra: 'cloud: gcc\nphase: proactive-disablement\nbasicAuthBlockedApps: [pop]' });
const dry = tenantYaml({ name: 'dryorg', extra: 'dehydrated: true\nphase: proactive-disablement\nbasicAuthBlockedApps: [pop]' });
const october = tenantYaml({ name: 'octorg', extra: 'phase: switch-off' });
const september = tenantYaml({ name: 'septorg', extra: 'phase: opt-out-window\nbasicAuthBlockedApps: [eas]' });
const closed = tenantYaml({ name: 'closedorg', extra: 'phase: permanent' });
const calm = tenantYaml({ name: 'calmorg', extra: 'phase: before-programme' });
const SEED = `tenants:\n${[adatum, gcc, dry, october, september, closed, calm].map((x) => x.yaml).join('\n')}\n`;

const text = (key: DiagnosticTextKey, vars?: Record<string, string>) => programmeText(DIAGNOSTIC_TEXTS[key], vars);

function assertRefused(t: Test, res: Response, code: DiagnosticTextKey, vars?: Record<string, string>): void {
  t.equal(res.status, REFUSAL_STATUS[code], `${code}: status ${REFUSAL_STATUS[code]}`);
  t.same(res.json(), { error: { code, message: text(code, vars) } }, `${code}: the table's text`);
}

t.test('the self-service diagnostic, branch by branch', async (t) => {
  const gw = await bootGateway(t, { seed: SEED, clock: '2021-07-01T10:00:00Z', freezeClock: true });
  const tok = (upn: string, app: { appId: string }) => graphToken(gw, upn, app.appId);
  const admin = await tok('admin@adatum.com', adatum);
  const ok = { acceptWarning: true };

  t.test('who: only a Global Administrator of a commercial tenant', async (t) => {
    assertRefused(t, await runTests(gw, await tok('worker@adatum.com', adatum)), 'notGlobalAdmin');
    assertRefused(t, await runTests(gw, await tok('reader@adatum.com', adatum)), 'notGlobalAdmin');
    assertRefused(t, await runTests(gw, await tok('partner@adatum.com', adatum)), 'delegatedAdmin');
    assertRefused(t, await updateSettings(gw, await tok('partner@adatum.com', adatum), { action: 're-enable', protocol: 'pop', ...ok }), 'delegatedAdmin');
    assertRefused(t, await runTests(gw, await appGraphToken(gw, 'adatum.com', adatum.appId)), 'notGlobalAdmin');
    const gccAdmin = await tok('admin@gccorg.com', gcc);
    assertRefused(t, await runTests(gw, gccAdmin), 'gcc');
    assertRefused(t, await updateSettings(gw, gccAdmin, { action: 're-enable', protocol: 'pop', ...ok }), 'gcc');
    const anonymous = await runTests(gw, '');
    t.equal(anonymous.status, 401, 'no token: Graph 401');
  });

  t.test('Run Tests lists what Microsoft disabled', async (t) => {
    const res = await runTests(gw, admin);
    t.equal(res.status, 200);
    const body = res.json<{ code: string; message: string; disabled: { id: string }[]; pending: { protocols: { id: string }[] }[]; warning: string; choices: string[]; actions: string[] }>();
    t.equal(body.code, 'disabledList');
    t.same(body.disabled.map((p) => p.id).sort(), ['imap', 'mapi', 'pop']);
    t.ok(body.message.startsWith(text('disabledList', { protocols: ['imap', 'pop', 'mapi'].map((p) => PROTOCOLS[p as 'imap'].displayName).join(', ') })));
    // The tenant is pinned to the proactive disablement and never used Basic: the job announced the rest.
    t.same(body.pending.flatMap((p) => p.protocols.map((i) => i.id)), ['ews', 'eas', 'rpc', 'oab', 'powershell']);
    t.match(body.message, 'scheduled to be disabled on');
    const calmTests = (await runTests(gw, await tok('admin@calmorg.com', calm))).json<{ code: string; message: string }>();
    t.same(calmTests, { ...calmTests, code: 'beforeProgramme', message: text('beforeProgramme') }, 'before the programme: nothing, and nothing scheduled');
    t.equal(body.warning, DIAGNOSTIC_TEXTS.warning.text);
    t.ok(body.choices.includes('outlook'), 'the Outlook group is a choice');
    t.notOk(body.choices.includes('smtp'), 'SMTP AUTH is not');
    t.same(body.actions, ['re-enable', 'opt-out']);
    const none = (await runTests(gw, await tok('admin@octorg.com', october))).json<{ disabled: unknown[] }>();
    t.equal(none.disabled.length, 8, 'October 2022: all eight are off');
  });

  t.test('what: SMTP AUTH, unknown protocols, one per run, the warning', async (t) => {
    assertRefused(t, await updateSettings(gw, admin, { action: 're-enable', protocol: 'smtp', ...ok }), 'smtpAuth');
    t.match(text('smtpAuth'), 'Set-TransportConfig -SmtpClientAuthenticationDisabled $false');
    assertRefused(t, await updateSettings(gw, admin, { action: 're-enable', protocol: 'gopher', ...ok }), 'unknownProtocol', {
      protocol: 'gopher',
      choices: 'imap, pop, ews, eas, mapi, rpc, oab, powershell, outlook',
    });
    assertRefused(t, await updateSettings(gw, admin, { action: 're-enable', protocol: ['pop', 'imap'], ...ok }), 'onePerRun');
    assertRefused(t, await updateSettings(gw, admin, { action: 're-enable', protocol: 'pop,imap', ...ok }), 'onePerRun');
    assertRefused(t, await updateSettings(gw, admin, { action: 're-enable', protocol: 'pop' }), 'warningNotAccepted');
    assertRefused(t, await updateSettings(gw, admin, { action: 're-enable', protocol: 'pop', acceptWarning: 'yes' }), 'warningNotAccepted');
    assertRefused(t, await updateSettings(gw, admin, { action: 'delete', protocol: 'pop', ...ok }), 'unknownAction', { action: 'delete' });
    const adatumTenant = gw.core.directory.tenant('adatum')!;
    t.ok(adatumTenant.org.get('basicAuthBlockedApps', Number.MAX_SAFE_INTEGER).includes('pop'), 'nothing changed');
  });

  t.test('re-enable one protocol, after the propagation delay; twice is refused', async (t) => {
    const tenant = gw.core.directory.tenant('adatum')!;
    const now = gw.clock.now().getTime();
    const res = await updateSettings(gw, admin, { action: 're-enable', protocol: 'pop', ...ok });
    t.equal(res.status, 200);
    t.match(res.json(), { code: 'reenabled', action: 're-enable', protocols: [{ id: 'pop' }], effectiveAt: new Date(now + 3_600_000).toISOString() });
    t.ok(tenant.org.get('basicAuthBlockedApps', now + 3_599_999).includes('pop'), 'still blocked a millisecond before the delay');
    t.notOk(tenant.org.get('basicAuthBlockedApps', now + 3_600_000).includes('pop'), 'unblocked at the delay');
    t.ok(tenant.org.get('basicAuthBlockedApps', now + 3_600_000).includes('imap'), 'only that protocol');
    assertRefused(t, await updateSettings(gw, admin, { action: 're-enable', protocol: 'pop', ...ok }), 'notDisabled', { protocols: PROTOCOLS.pop.displayName });
  });

  t.test('the Outlook group re-enables its disabled members in one run', async (t) => {
    const res = await updateSettings(gw, admin, { action: 're-enable', protocol: 'Outlook', ...ok });
    t.equal(res.status, 200);
    t.same(res.json<{ protocols: { id: string }[] }>().protocols.map((p) => p.id), ['mapi'], 'MAPI was the only one off');
    assertRefused(t, await updateSettings(gw, admin, { action: 're-enable', protocol: 'outlook', ...ok }), 'notDisabled', {
      protocols: ['ews', 'mapi', 'rpc', 'oab'].map((p) => PROTOCOLS[p as 'ews'].displayName).join(', '),
    });
  });

  t.test('opt-out of a pending disablement, before its date', async (t) => {
    const res = await updateSettings(gw, admin, { action: 'opt-out', protocol: 'eas', ...ok });
    t.equal(res.status, 200);
    t.equal(res.json<{ message: string }>().message, text('optedOut', { protocols: PROTOCOLS.eas.displayName, date: 'July 31, 2021' }));
    assertRefused(t, await updateSettings(gw, admin, { action: 'opt-out', protocol: 'imap', ...ok }), 'alreadyDisabled', { protocols: PROTOCOLS.imap.displayName });
    const calmAdmin = await tok('admin@calmorg.com', calm);
    assertRefused(t, await updateSettings(gw, calmAdmin, { action: 'opt-out', protocol: 'eas', ...ok }), 'nothingPending', { protocols: PROTOCOLS.eas.displayName });
  });

  t.test('a dehydrated organization, until Enable-OrganizationCustomization', async (t) => {
    const dryAdmin = await tok('admin@dryorg.com', dry);
    const tests = await runTests(gw, dryAdmin);
    t.equal(tests.status, 200, 'Run Tests still runs');
    t.equal(tests.json<{ notice: string }>().notice, DIAGNOSTIC_TEXTS.dehydrated.text, 'and says the organization is dehydrated');
    assertRefused(t, await updateSettings(gw, dryAdmin, { action: 're-enable', protocol: 'pop', ...ok }), 'dehydrated');
    const enabled = await cmdlet(gw, 'dryorg', 'Enable-OrganizationCustomization');
    t.equal(enabled.status, 200, 'Enable-OrganizationCustomization runs');
    t.equal((await updateSettings(gw, dryAdmin, { action: 're-enable', protocol: 'pop', ...ok })).status, 200, 'then the change is made');
    t.equal((await cmdlet(gw, 'dryorg', 'Enable-OrganizationCustomization')).status, 400, 'and a second Enable-OrganizationCustomization errors');
  });

  t.test('October 2022: one re-enable per protocol, no opt-out', async (t) => {
    const octAdmin = await tok('admin@octorg.com', october);
    t.equal((await updateSettings(gw, octAdmin, { action: 're-enable', protocol: 'imap', ...ok })).status, 200, 're-enable once');
    assertRefused(t, await updateSettings(gw, octAdmin, { action: 're-enable', protocol: 'imap', ...ok }), 'alreadyReenabled', { protocols: PROTOCOLS.imap.displayName });
    assertRefused(t, await updateSettings(gw, octAdmin, { action: 'opt-out', protocol: 'pop', ...ok }), 'optOutClosed');
    const tenant = gw.core.directory.tenant('octorg')!;
    t.ok(tenant.org.get('basicAuthReenabled', Number.MAX_SAFE_INTEGER).includes('imap'), 'recorded as re-enabled');
  });

  t.test('September 2022: opt-out only', async (t) => {
    const septAdmin = await tok('admin@septorg.com', september);
    assertRefused(t, await updateSettings(gw, septAdmin, { action: 're-enable', protocol: 'eas', ...ok }), 'optOutOnly');
    const res = await updateSettings(gw, septAdmin, { action: 'opt-out', protocol: 'pop', ...ok });
    t.equal(res.status, 200);
    t.equal(res.json<{ message: string }>().message, text('optedOutSwitchOff', { protocols: PROTOCOLS.pop.displayName }));
    assertRefused(t, await updateSettings(gw, septAdmin, { action: 'opt-out', protocol: 'eas', ...ok }), 'alreadyDisabled', { protocols: PROTOCOLS.eas.displayName });
    const tenant = gw.core.directory.tenant('septorg')!;
    t.ok(tenant.org.get('basicAuthOptedOut', Number.MAX_SAFE_INTEGER).includes('pop'));
  });

  t.test('from 2023 the diagnostic is gone', async (t) => {
    const closedAdmin = await tok('admin@closedorg.com', closed);
    assertRefused(t, await runTests(gw, closedAdmin), 'windowClosed');
    assertRefused(t, await updateSettings(gw, closedAdmin, { action: 're-enable', protocol: 'pop', ...ok }), 'windowClosed');
  });

  t.test('every run is recorded', async (t) => {
    const rows = await gw.core.store.query<{ outcome: string }>('select outcome from programme_diagnostic_runs');
    t.ok(rows.some((r) => r.outcome === 'reenabled'));
    t.ok(rows.some((r) => r.outcome === 'onePerRun'));
  });
});
