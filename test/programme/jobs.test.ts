// The proactive-disablement job on the emulated clock (issue 5 item 3): a jump of 90 days at
// once replays each midnight in date order, so the notice, the switch-off on its date and the
// confirmation happen once each; running again, or setting the clock back and forth, adds
// nothing. A young tenant is judged only once it has existed for the look-back window, and a
// tenant pinned outside the phase is left alone.
import t from 'tap';
import { microsoftBlocksBasic } from '../../core/programme/blocks.js';
import { bootGateway } from '../helpers/gateway.js';
import { https } from '../helpers/https.js';
import { graphToken, issues, messages, moveClock, protocolsOf, tenantYaml } from './helpers.js';

const coffee = tenantYaml({ name: 'fourthcoffee' });
const young = tenantYaml({ name: 'youngorg', extra: 'created: 2021-03-20T00:00:00Z' });
const pinned = tenantYaml({ name: 'pinnedorg', extra: 'phase: before-programme' });

t.test('the job is idempotent when the clock jumps 90 days at once', async (t) => {
  const gw = await bootGateway(t, { seed: `tenants:\n${[coffee, young, pinned].map((x) => x.yaml).join('\n')}\n`, clock: '2021-03-01T00:00:00Z', freezeClock: true });
  const token = () => graphToken(gw, 'admin@fourthcoffee.com', coffee.appId);

  const first = await messages(gw, await token());
  t.equal(first.value.length, 1, 'the first run (at start) posted the notice');
  t.equal(first.value[0].startDateTime, '2021-03-01T00:00:00Z');
  t.same(protocolsOf(first.value[0]), ['imap', 'pop', 'ews', 'eas', 'mapi', 'rpc', 'oab', 'powershell'], 'every protocol of the diagnostic, none used');

  await moveClock(gw, { advance: '90d' });
  const after = await messages(gw, await token());
  t.equal(after.value.length, 2, 'one notice and one confirmation, no duplicates');
  const confirmation = after.value.find((m) => m.category === 'stayInformed')!;
  t.equal(confirmation.startDateTime, '2021-03-31T00:00:00Z', 'the confirmation is dated on the date, not on the day of the jump');
  t.equal((await issues(gw, await token())).value.length, 1, 'one advisory');

  const tenant = gw.core.directory.tenant('fourthcoffee')!;
  const due = Date.parse('2021-03-31T00:00:00Z');
  t.notOk(microsoftBlocksBasic(tenant, 'pop', due - 1), 'POP3 Basic on until the date');
  t.ok(microsoftBlocksBasic(tenant, 'pop', due), 'and off from the date exactly');
  t.notOk(microsoftBlocksBasic(tenant, 'smtp', due), 'SMTP AUTH untouched');

  const again = await https(gw, 'POST', '/_exogate/jobs/run', { control: true });
  t.match(again.json(), { notices: [], confirmations: [], issues: [] }, 'running again does nothing');

  await moveClock(gw, { set: '2021-03-15T00:00:00Z' });
  await moveClock(gw, { set: '2021-07-01T00:00:00Z' });
  const rows = await gw.core.store.query<{ tenant_id: string; state: string }>('select tenant_id, state from programme_disablements where tenant_id = $1', [tenant.id]);
  t.same(rows.map((r) => r.state), ['done'], 'setting the clock back and forth announces nothing again');
  t.equal((await messages(gw, await token())).value.length, 2);

  const youngTenant = gw.core.directory.tenant('youngorg')!;
  const youngMessages = await messages(gw, await graphToken(gw, 'admin@youngorg.com', young.appId));
  const youngNotice = youngMessages.value.find((m) => m.category === 'planForChange')!;
  t.equal(youngNotice.startDateTime, '2021-04-19T00:00:00Z', 'a tenant is judged once it has existed for the look-back window (30 days)');
  t.ok(microsoftBlocksBasic(youngTenant, 'imap', Date.parse('2021-05-19T00:00:00Z')), 'and switched off 30 days later');

  const pinnedRows = await gw.core.store.query('select id from programme_messages where tenant_id = $1', [gw.core.directory.tenant('pinnedorg')!.id]);
  t.equal(pinnedRows.length, 0, 'a tenant pinned before the programme gets nothing');
});

t.test('past opt-outs are archived when September 2022 begins (MC424238)', async (t) => {
  const gw = await bootGateway(t, { seed: `tenants:\n${tenantYaml({ name: 'archorg' }).yaml}\n`, clock: '2022-08-01T00:00:00Z', freezeClock: true });
  const tenant = gw.core.directory.tenant('archorg')!;
  const now = gw.clock.now().getTime();
  await gw.core.directory.write((w) => w.setOrg(tenant, 'basicAuthOptedOut', ['pop'], now, now));
  await moveClock(gw, { advance: '45d' });
  t.same(tenant.org.get('basicAuthOptedOut', Date.parse('2022-08-31T23:59:59Z')), ['pop'], 'kept through August');
  t.same(tenant.org.get('basicAuthOptedOut', Date.parse('2022-09-01T00:00:00Z')), [], 'archived on 1 September: opt out again for October');
});

t.test('a seed fragment with reset puts a tenant back where a new tenant starts (control API)', async (t) => {
  const gw = await bootGateway(t, { seed: `tenants:\n${coffee.yaml}\n`, clock: '2021-03-01T00:00:00Z', freezeClock: true });
  const tenant = gw.core.directory.tenant('fourthcoffee')!;
  await moveClock(gw, { advance: '31d' });
  t.ok(microsoftBlocksBasic(tenant, 'pop', gw.clock.now().getTime()), 'POP3 switched off by the job');
  t.equal((await messages(gw, await graphToken(gw, 'admin@fourthcoffee.com', coffee.appId))).value.length, 2);

  // The harness starts the tenant over, now pinned before the programme and with its own policy.
  const fragment = 'tenants:\n  - name: fourthcoffee\n    phase: before-programme\n    securityDefaults: false\n';
  const res = await https(gw, 'POST', '/_exogate/seed?reset=true', { control: true, body: fragment, headers: { 'content-type': 'text/yaml' } });
  t.equal(res.status, 200);
  const now = gw.clock.now().getTime();
  t.notOk(microsoftBlocksBasic(tenant, 'pop', now), "Microsoft's block is gone with the rest of the programme's state");
  t.same(tenant.org.get('basicAuthBlockedApps', now), []);
  t.equal(tenant.org.get('phase', now), 'before-programme', 'then the fragment applies');
  t.ok(microsoftBlocksBasic(tenant, 'pop', now - 1), 'history stays readable: the block held until the reset');
  t.equal((await messages(gw, await graphToken(gw, 'admin@fourthcoffee.com', coffee.appId))).value.length, 0, 'no notices left');
  const pending = await gw.core.store.query('select id from programme_disablements where tenant_id = $1', [tenant.id]);
  t.equal(pending.length, 0, 'no pending disablements left');

  const plain = await https(gw, 'POST', '/_exogate/seed', { control: true, body: 'tenants:\n  - name: fourthcoffee\n    securityDefaults: true\n', headers: { 'content-type': 'text/yaml' } });
  t.equal(plain.status, 200);
  t.equal(tenant.org.get('phase', gw.clock.now().getTime()), 'before-programme', 'without reset a fragment only adds to what is there');
});
