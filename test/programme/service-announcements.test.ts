// Microsoft Graph's Message Center and Service Health lists (reference §9.4), fed by the
// programme's job: the serviceUpdateMessage and serviceHealthIssue shapes, @odata.context,
// $top / $skiptoken paging and $filter, and who is refused — a user without a reader role,
// another tenant's admin, an app without the permission.
import t from 'tap';
import { bootGateway } from '../helpers/gateway.js';
import { https } from '../helpers/https.js';
import { appGraphToken, bearer, graphToken, issues, messages, moveClock, tenantYaml, type MessageJson } from './helpers.js';

const wingtip = tenantYaml({
  name: 'wingtip',
  extra: 'phase: proactive-disablement',
  users: { worker: [], reader: ['GlobalReader'] },
  appRoles: ['ServiceMessage.Read.All', 'ServiceHealth.Read.All'],
});
const other = tenantYaml({ name: 'otherorg', extra: 'phase: proactive-disablement' });
const bare = tenantYaml({ name: 'bareorg', extra: 'phase: before-programme', appRoles: ['AuditLog.Read.All'] });
const MESSAGE_KEYS = [
  'actionRequiredByDateTime',
  'body',
  'category',
  'details',
  'endDateTime',
  'hasAttachments',
  'id',
  'isMajorChange',
  'lastModifiedDateTime',
  'services',
  'severity',
  'startDateTime',
  'tags',
  'title',
  'viewPoint',
];
const ISSUE_KEYS = [
  'classification',
  'details',
  'endDateTime',
  'feature',
  'featureGroup',
  'highImpact',
  'id',
  'impactDescription',
  'isResolved',
  'lastModifiedDateTime',
  'origin',
  'posts',
  'service',
  'startDateTime',
  'status',
  'title',
];
const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/;

t.test('Message Center and Service Health on Graph', async (t) => {
  const gw = await bootGateway(t, { seed: `tenants:\n${[wingtip, other, bare].map((x) => x.yaml).join('\n')}\n`, clock: '2021-07-01T00:00:00Z', freezeClock: true });
  await moveClock(gw, { advance: '30d' });
  const admin = await graphToken(gw, 'admin@wingtip.com', wingtip.appId);

  t.test('messages: the serviceUpdateMessage shape, newest first', async (t) => {
    const list = await messages(gw, admin);
    t.equal(list['@odata.context'], 'https://graph.microsoft.com/v1.0/$metadata#admin/serviceAnnouncement/messages');
    t.equal(list.value.length, 2);
    const [confirmation, notice] = list.value;
    for (const m of list.value) {
      t.same(Object.keys(m).sort(), MESSAGE_KEYS, `${m.id}: the properties of serviceUpdateMessage`);
      t.match(m.id, /^MC\d+$/);
      t.match(m.startDateTime, ISO);
      t.same(m.services, ['Exchange Online']);
      t.equal(m.body.contentType, 'html');
      t.same(m.viewPoint, { isRead: false, isArchived: false, isFavorited: false }, 'a signed-in user has a view point');
    }
    t.match(notice, { category: 'planForChange', severity: 'high', isMajorChange: true, actionRequiredByDateTime: '2021-07-31T00:00:00Z', hasAttachments: false });
    t.match(confirmation, { category: 'stayInformed', startDateTime: '2021-07-31T00:00:00Z', actionRequiredByDateTime: null });
    const beta = await https(gw, 'GET', '/beta/admin/serviceAnnouncement/messages', { headers: bearer(admin) });
    t.equal(beta.json<{ '@odata.context': string }>()['@odata.context'], 'https://graph.microsoft.com/beta/$metadata#admin/serviceAnnouncement/messages', '/beta too');
  });

  t.test('one message by id', async (t) => {
    const [first] = (await messages(gw, admin)).value;
    const res = await https(gw, 'GET', `/v1.0/admin/serviceAnnouncement/messages/${first.id}`, { headers: bearer(admin) });
    t.equal(res.status, 200);
    const body = res.json<MessageJson & { '@odata.context': string }>();
    t.equal(body['@odata.context'], 'https://graph.microsoft.com/v1.0/$metadata#admin/serviceAnnouncement/messages/$entity');
    t.equal(body.id, first.id);
    const missing = await https(gw, 'GET', '/v1.0/admin/serviceAnnouncement/messages/MC1', { headers: bearer(admin) });
    t.equal(missing.status, 404);
    t.equal(missing.json<{ error: { code: string } }>().error.code, 'NotFound');
  });

  t.test('$top, $skiptoken and @odata.nextLink; $filter', async (t) => {
    const firstPage = await messages(gw, admin, '?$top=1');
    t.equal(firstPage.value.length, 1);
    const next = firstPage['@odata.nextLink'];
    t.ok(next, 'a nextLink when more remain');
    const url = new URL(next!);
    t.equal(url.port, String(gw.ports.https), 'the nextLink points at this gateway');
    const secondPage = await messages(gw, admin, url.search);
    t.equal(secondPage.value.length, 1);
    t.notOk(secondPage['@odata.nextLink'], 'no nextLink on the last page');
    t.not(secondPage.value[0].id, firstPage.value[0].id, 'each message once');

    const plans = await messages(gw, admin, `?$filter=${encodeURIComponent("category eq 'planForChange'")}`);
    t.same(plans.value.map((m) => m.category), ['planForChange']);
    const exo = await messages(gw, admin, `?$filter=${encodeURIComponent("services/any(s:s eq 'Exchange Online') and startDateTime ge 2021-07-15T00:00:00Z")}`);
    t.same(exo.value.map((m) => m.category), ['stayInformed']);
    for (const bad of ["nonsense eq 'x'", 'category has 1', "contains(title,'x')"]) {
      const res = await https(gw, 'GET', `/v1.0/admin/serviceAnnouncement/messages?$filter=${encodeURIComponent(bad)}`, { headers: bearer(admin) });
      t.equal(res.status, 400, `${bad}: 400`);
      t.equal(res.json<{ error: { code: string } }>().error.code, 'BadRequest');
    }
    for (const top of ['0', '1001', 'x']) {
      const res = await https(gw, 'GET', `/v1.0/admin/serviceAnnouncement/messages?$top=${top}`, { headers: bearer(admin) });
      t.equal(res.status, 400, `$top=${top}: 400`);
    }
  });

  t.test('issues: the serviceHealthIssue shape', async (t) => {
    const list = await issues(gw, admin);
    t.equal(list['@odata.context'], 'https://graph.microsoft.com/v1.0/$metadata#admin/serviceAnnouncement/issues');
    t.equal(list.value.length, 1);
    const issue = list.value[0] as Record<string, unknown> & { id: string; posts: { createdDateTime: string; description: { contentType: string } }[] };
    t.same(Object.keys(issue).sort(), ISSUE_KEYS);
    t.match(issue, { classification: 'advisory', origin: 'microsoft', service: 'Exchange Online', isResolved: false, startDateTime: '2021-07-31T00:00:00Z', endDateTime: null });
    t.match(issue.id, /^EX\d+$/);
    t.equal(issue.posts[0].createdDateTime, '2021-07-31T00:00:00Z');
    const one = await https(gw, 'GET', `/v1.0/admin/serviceAnnouncement/issues/${issue.id}`, { headers: bearer(admin) });
    t.equal(one.status, 200);
    t.equal(one.json<{ id: string }>().id, issue.id);
    const filtered = await issues(gw, admin, `?$filter=${encodeURIComponent("classification eq 'incident'")}`);
    t.equal(filtered.value.length, 0);
  });

  t.test('an app with the permissions reads them, with no view point', async (t) => {
    const app = await appGraphToken(gw, 'wingtip.com', wingtip.appId);
    const list = await messages(gw, app);
    t.equal(list.value.length, 2);
    t.equal(list.value[0].viewPoint, null);
    t.equal((await issues(gw, app)).value.length, 1);
  });

  t.test('who is refused', async (t) => {
    const worker = await https(gw, 'GET', '/v1.0/admin/serviceAnnouncement/messages', { headers: bearer(await graphToken(gw, 'worker@wingtip.com', wingtip.appId)) });
    t.equal(worker.status, 403, 'a user without a reader role');
    t.equal(worker.json<{ error: { code: string } }>().error.code, 'Authentication_MSGraphPermissionMissing');
    const reader = await https(gw, 'GET', '/v1.0/admin/serviceAnnouncement/messages', { headers: bearer(await graphToken(gw, 'reader@wingtip.com', wingtip.appId)) });
    t.equal(reader.status, 200, 'a Global Reader may read');

    const ours = (await messages(gw, admin)).value.map((m) => m.id);
    const otherAdmin = await graphToken(gw, 'admin@otherorg.com', other.appId);
    const theirs = (await messages(gw, otherAdmin)).value.map((m) => m.id);
    t.equal(theirs.length, 2, 'another tenant has its own posts');
    t.notOk(theirs.some((id) => ours.includes(id)), "and never sees this tenant's");
    const peek = await https(gw, 'GET', `/v1.0/admin/serviceAnnouncement/messages/${ours[0]}`, { headers: bearer(otherAdmin) });
    t.equal(peek.status, 404, "another tenant's admin asking for this tenant's message: not found");

    const bareApp = await appGraphToken(gw, 'bareorg.com', bare.appId);
    for (const path of ['messages', 'issues']) {
      const res = await https(gw, 'GET', `/v1.0/admin/serviceAnnouncement/${path}`, { headers: bearer(bareApp) });
      t.equal(res.status, 403, `${path}: an app without the permission`);
      t.equal(res.json<{ error: { code: string } }>().error.code, 'Authorization_RequestDenied');
    }
    const none = await https(gw, 'GET', '/v1.0/admin/serviceAnnouncement/messages');
    t.equal(none.status, 401, 'no token');
  });
});
