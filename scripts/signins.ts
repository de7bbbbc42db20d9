// `exogate signins`: query and export the sign-in log of a running gateway. It pages through
// the control API's /_exogate/signins (the same list, filter and paging as Graph's
// /auditLogs/signIns, for any tenant) following @odata.nextLink, so an export is as large as the
// API allows, not capped as the portal download is. A progress bar goes to stderr when stderr
// is a terminal.
import { createWriteStream, type WriteStream } from 'node:fs';
import type { SignIn } from '../core/signins/record.js';
import { CSV_HEADER, csvRow } from '../servers/http/graph/signins-csv.js';
import { SIGNINS_MAX_TOP } from '../servers/http/graph/signins-replies.js';
import { httpsCall, readEndpoints } from './lib/client.js';

export interface SignInsOptions {
  data?: string;
  endpoints?: string;
  tenant?: string;
  filter?: string;
  top?: string;
  format?: string;
  out?: string;
}

interface Page {
  '@odata.count'?: number;
  '@odata.nextLink'?: string;
  value?: SignIn[];
  error?: { message?: string } | string;
}

const TABLE_COLUMNS: [string, (s: SignIn) => string][] = [
  ['createdDateTime', (s) => s.createdDateTime],
  ['userPrincipalName', (s) => s.userPrincipalName ?? ''],
  ['clientAppUsed', (s) => s.clientAppUsed],
  ['appDisplayName', (s) => s.appDisplayName],
  ['ipAddress', (s) => s.ipAddress],
  ['errorCode', (s) => String(s.status.errorCode)],
];

function progress(done: number, total: number): void {
  const width = 30;
  const share = total ? Math.min(1, done / total) : 0;
  const filled = Math.round(share * width);
  process.stderr.write(`\r[${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${done.toLocaleString('en-US')}/${total.toLocaleString('en-US')} sign-ins`);
}

export async function runSignIns(o: SignInsOptions): Promise<void> {
  const endpoints = readEndpoints(o);
  const format = o.format ?? 'table';
  if (!['table', 'json', 'csv'].includes(format)) throw new Error('--format is table, json or csv');
  const max = o.top === undefined ? Infinity : Number(o.top);
  if (!Number.isInteger(max) && max !== Infinity) throw new Error('--top is a whole number');
  if (max < 0) throw new Error('--top is a whole number');
  const bar = !!process.stderr.isTTY;
  const params = new URLSearchParams({ $top: String(Math.min(SIGNINS_MAX_TOP, max === Infinity ? SIGNINS_MAX_TOP : Math.max(max, 1))) });
  if (o.tenant) params.set('tenant', o.tenant);
  if (o.filter) params.set('$filter', o.filter);
  if (bar) params.set('$count', 'true');
  let path: string | null = `/_exogate/signins?${params}`;

  const out: WriteStream | NodeJS.WriteStream = o.out ? createWriteStream(o.out) : process.stdout;
  const write = (text: string) => (out.write(text) ? Promise.resolve() : new Promise<void>((r) => out.once('drain', () => r())));
  const table: SignIn[] = [];
  let written = 0;
  let total = 0;
  if (format === 'csv') await write(CSV_HEADER);
  if (format === 'json') await write('[');
  while (path && written < max) {
    const res = await httpsCall(endpoints, 'GET', path, { control: true });
    const page = JSON.parse(res.body) as Page;
    if (res.status !== 200) throw new Error(typeof page.error === 'string' ? page.error : (page.error?.message ?? `HTTP ${res.status}`));
    if (page['@odata.count'] !== undefined) total = Math.min(page['@odata.count'], max);
    for (const s of (page.value ?? []).slice(0, max - written)) {
      if (format === 'table') table.push(s);
      else await write(format === 'csv' ? csvRow(s) : `${written ? ',' : ''}\n${JSON.stringify(s)}`);
      written++;
    }
    if (bar) progress(written, Math.max(total, written));
    const next = page['@odata.nextLink'];
    path = next ? next.replace(/^https:\/\/[^/]+/, '') : null;
  }
  if (bar) process.stderr.write('\n');
  if (format === 'json') await write(written ? '\n]\n' : ']\n');
  if (format === 'table') {
    const cells = table.map((s) => TABLE_COLUMNS.map(([, read]) => read(s)));
    const widths = TABLE_COLUMNS.map(([name], i) => Math.max(name.length, ...cells.map((row) => row[i].length)));
    const line = (row: string[]) => row.map((c, i) => c.padEnd(widths[i])).join('  ').trimEnd();
    await write(`${[line(TABLE_COLUMNS.map(([name]) => name)), ...cells.map(line)].join('\n')}\n`);
  }
  if (o.out) {
    await new Promise<void>((resolve, reject) => (out as WriteStream).end((error?: Error | null) => (error ? reject(error) : resolve())));
    process.stderr.write(`${written.toLocaleString('en-US')} sign-ins written to ${o.out}\n`);
  }
}
