// `exogate signins` against a gateway started with `exogate start --data DIR`: the sign-in log
// as a table, JSON and CSV (to a file), --filter and --top, and Graph's text for a bad filter.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import { httpsCall } from '../../scripts/lib/client.js';
import { FILTER_ERRORS } from '../../servers/http/graph/signins-replies.js';
import { ALICE, CliGateway, DEMO_PUBLIC_CLIENT, run, tempDir } from '../cli/cli.js';

t.setTimeout(300_000);

t.test('exogate signins', async (t) => {
  const dir = tempDir(t, 'exogate-signins-');
  const data = join(dir, 'data');
  const gw = await CliGateway.start(t, data);
  const endpoints = gw.endpoints() as unknown as Parameters<typeof httpsCall>[0];
  // Three failed password sign-ins of alice at the token endpoint: three records (50126).
  for (let i = 0; i < 3; i++) {
    const form = new URLSearchParams({ grant_type: 'password', client_id: DEMO_PUBLIC_CLIENT, username: ALICE.upn, password: `Wrong-${i}`, scope: 'https://outlook.office.com/IMAP.AccessAsUser.All' }).toString();
    const res = await httpsCall(endpoints, 'POST', '/contoso.com/oauth2/v2.0/token', { body: form, headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    t.equal(res.status, 400, 'a wrong password');
  }
  t.equal((await httpsCall(endpoints, 'POST', '/_exogate/flush', { control: true })).status, 200);
  const at = ['--data', data, '--tenant', 'contoso'];
  const failed = ['--filter', 'status/errorCode eq 50126'];

  await t.test('JSON: the records, as Graph renders them', async (t) => {
    const res = await run(['signins', ...at, ...failed, '--format', 'json']);
    t.equal(res.code, 0, res.stderr);
    const records = JSON.parse(res.stdout) as { userPrincipalName: string; status: { errorCode: number }; clientAppUsed: string; createdDateTime: string }[];
    t.equal(records.length, 3);
    for (const r of records) t.match(r, { userPrincipalName: ALICE.upn, status: { errorCode: 50126 }, clientAppUsed: 'Mobile Apps and Desktop clients' });
    t.ok(records[0].createdDateTime >= records[2].createdDateTime, 'newest first');
    t.equal(res.stderr, '', 'no progress bar when stderr is not a terminal');
  });

  await t.test('CSV to a file', async (t) => {
    const file = join(dir, 'signins.csv');
    const res = await run(['signins', ...at, ...failed, '--format', 'csv', '--out', file]);
    t.equal(res.code, 0, res.stderr);
    t.match(res.stderr, /3 sign-ins written to /);
    const lines = readFileSync(file, 'utf8').trimEnd().split('\r\n');
    t.equal(lines.length, 4, 'a header and three rows');
    t.match(lines[0], /^Date \(UTC\),Request ID,/);
    t.match(lines[1], /,alice@contoso\.com,/);
    t.match(lines[1], /,Failure,50126,/);
  });

  await t.test('a table, --top', async (t) => {
    const res = await run(['signins', ...at, ...failed, '--top', '1']);
    t.equal(res.code, 0, res.stderr);
    const lines = res.stdout.trimEnd().split('\n');
    t.equal(lines.length, 2, 'a header and one row');
    t.match(lines[0], /^createdDateTime\s+userPrincipalName\s+clientAppUsed/);
    t.match(lines[1], /alice@contoso\.com\s+Mobile Apps and Desktop clients/);
  });

  await t.test("a bad filter: Graph's message, exit 1", async (t) => {
    const res = await run(['signins', ...at, '--filter', "clientAppUsed ne 'IMAP4'"]);
    t.equal(res.code, 1);
    t.match(res.stderr, FILTER_ERRORS.operator('ne', 'clientAppUsed'));
    const unknown = await run(['signins', '--data', data, '--tenant', 'nowhere']);
    t.equal(unknown.code, 1);
    t.match(unknown.stderr, /no tenant nowhere/);
  });
});
