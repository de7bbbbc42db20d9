// The real @microsoft/microsoft-graph-client pages through 250,000 sign-in records with its
// PageIterator and sees each exactly once, while new sign-ins keep arriving (keyset paging,
// reference §9.2); the portal download of the same set stops at 100,000 rows and says so (§9.3).
import { request } from 'node:https';
import graphSdk from '@microsoft/microsoft-graph-client';
import t from 'tap';
import type { Gateway } from '../../index.js';
import { newSignIn } from '../../core/signins/record.js';
import { seedSignIns } from '../../scripts/bench/signins-seed.js';
import { EXPORT_CAPPED_MESSAGE, EXPORT_MAX_ROWS, EXPORT_NOTICE_HEADER, SIGNINS_CONTEXT } from '../../servers/http/graph/signins-replies.js';
import { bootGateway } from '../helpers/gateway.js';
import { graphClient, SIGNINS_SEED, tenantId, userGraphToken } from './helpers.js';

const { PageIterator } = graphSdk;
const SEEDED = 250_000;
const HOUR = 3_600_000;

t.setTimeout(300_000);

/** Streams a download, keeping only its line count and its first and last lines. */
function download(gw: Gateway, path: string): Promise<{ status: number; headers: Record<string, unknown>; lines: number; first: string; last: string; bytes: number }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: gw.host, port: gw.ports.https, path, headers: { authorization: `Bearer ${gw.controlToken}` }, ca: gw.caCert, servername: 'localhost', agent: false }, (res) => {
      let newlines = 0;
      let bytes = 0;
      let head = '';
      let tail = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        bytes += chunk.length;
        for (let i = chunk.indexOf('\n'); i !== -1; i = chunk.indexOf('\n', i + 1)) newlines++;
        if (head.length < 4096) head += chunk.slice(0, 4096);
        tail = (tail + chunk).slice(-65536);
      });
      res.on('end', () => {
        const lines = tail.split(/\r?\n/).filter(Boolean);
        resolve({ status: res.statusCode ?? 0, headers: res.headers, lines: newlines, first: head.split(/\r?\n/)[0], last: lines[lines.length - 1] ?? '', bytes });
      });
    });
    req.on('error', reject);
    req.end();
  });
}

t.test('250,000 sign-ins through the Graph SDK and the download', async (t) => {
  const gw = await bootGateway(t, { seed: SIGNINS_SEED, clock: '2022-06-01T12:00:00Z' });
  const contoso = tenantId(gw, 'contoso');
  const newest = gw.clock.now().getTime() - HOUR;
  // Three records share each instant: the order breaks ties on the id.
  const seeded = await seedSignIns(gw.core.store, { tenantId: contoso, domain: 'contoso.com', count: SEEDED, newest, stepMs: 1000, perInstant: 3 });
  // Another tenant's records must never show up.
  await seedSignIns(gw.core.store, { tenantId: tenantId(gw, 'fabrikam'), domain: 'fabrikam.com', count: 2000, newest, stepMs: 500 });
  const seededSet = new Set(seeded);
  t.equal(seededSet.size, SEEDED, 'every seeded id is distinct');

  await t.test('PageIterator sees every seeded record exactly once while new sign-ins arrive', async (t) => {
    const accessToken = await userGraphToken(gw, 'alice@contoso.com');
    const { client, transport } = graphClient(gw, async () => accessToken);
    const seen = new Map<string, number>();
    const arrived = new Set<string>();
    let foreign = 0;
    let previous: { at: string; id: string } | null = null;
    let outOfOrder = 0;
    let flushes: Promise<void>[] = [];
    const first = (await client.api('/auditLogs/signIns').top(1000).get()) as { '@odata.context': string; '@odata.nextLink'?: string; value: unknown[] };
    t.equal(first['@odata.context'], SIGNINS_CONTEXT['v1.0'], '@odata.context is the real Graph one');
    t.equal(first.value.length, 1000, 'a first page of $top=1000');
    t.match(first['@odata.nextLink'], new RegExp(`^https://${gw.host}:${gw.ports.https}/v1\\.0/auditLogs/signIns\\?\\$top=1000&\\$skiptoken=[A-Za-z0-9_-]+$`), 'an absolute nextLink on the host the client used');
    const iterator = new PageIterator(client, first, (item: unknown) => {
      const s = item as { id: string; createdDateTime: string; userPrincipalName: string };
      seen.set(s.id, (seen.get(s.id) ?? 0) + 1);
      if (!s.userPrincipalName.endsWith('@contoso.com')) foreign++;
      if (previous && (s.createdDateTime > previous.at || (s.createdDateTime === previous.at && s.id > previous.id && seededSet.has(s.id) && seededSet.has(previous.id)))) outOfOrder++;
      previous = { at: s.createdDateTime, id: s.id };
      // Every 2,500 records, new sign-ins of the tenant are written (newer than everything seeded).
      if (seen.size % 2500 === 0) {
        for (let i = 0; i < 5; i++) {
          const record = newSignIn({ at: gw.clock.now().getTime(), tenantId: contoso, user: null, typedUserName: 'late@contoso.com', clientAppUsed: 'IMAP4', ipAddress: '192.0.2.1', errorCode: 50126 });
          arrived.add(record.id);
          gw.core.signIns.record(record);
        }
        flushes.push(gw.flush());
      }
      return true;
    });
    await iterator.iterate();
    await Promise.all(flushes);
    flushes = [];
    const missing = seeded.filter((id) => !seen.has(id));
    const repeated = [...seen.values()].filter((n) => n > 1).length;
    const unexpected = [...seen.keys()].filter((id) => !seededSet.has(id) && !arrived.has(id));
    t.equal(missing.length, 0, 'no seeded record skipped');
    t.equal(repeated, 0, 'no record seen twice');
    t.equal(unexpected.length, 0, 'nothing but seeded and newly arrived records');
    t.equal(foreign, 0, "no other tenant's record");
    t.equal(outOfOrder, 0, 'newest first, ties broken by id');
    t.ok(arrived.size >= 400, `${arrived.size} sign-ins arrived during the paging`);
    t.ok(transport.requests >= SEEDED / 1000, `${transport.requests} requests`);
  });

  for (const format of ['csv', 'json'] as const) {
    await t.test(`the ${format} download stops at ${EXPORT_MAX_ROWS.toLocaleString('en-US')} rows with the message`, async (t) => {
      const res = await download(gw, `/_exogate/signins/export?tenant=contoso&format=${format}`);
      t.equal(res.status, 200);
      t.equal(res.headers[EXPORT_NOTICE_HEADER], EXPORT_CAPPED_MESSAGE, 'the cap is announced');
      t.match(EXPORT_CAPPED_MESSAGE, /100,000/, 'naming the cap');
      t.equal(res.headers['x-exogate-export-rows'], String(EXPORT_MAX_ROWS));
      if (format === 'csv') {
        t.equal(res.lines, EXPORT_MAX_ROWS + 1, 'a header and 100,000 rows');
        t.match(res.first, /^\ufeffDate \(UTC\),Request ID,/, 'the header row');
      } else {
        t.equal(res.first, '[');
        t.equal(res.last, ']');
        t.equal(res.lines, EXPORT_MAX_ROWS + 2, '100,000 records, one a line, in an array');
      }
    });
  }

  await t.test('a download under the cap is complete and carries no notice', async (t) => {
    const res = await download(gw, `/_exogate/signins/export?tenant=fabrikam&format=csv`);
    t.equal(res.status, 200);
    t.equal(res.headers[EXPORT_NOTICE_HEADER], undefined);
    t.equal(res.lines, 2001, 'a header and all 2,000 rows');
  });
});
