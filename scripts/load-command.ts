// `exogate load`: drives sign-ins against exogate (or any IMAP/POP3/SMTP/EWS/ActiveSync server)
// and reports what the server said, how often and how fast. The engine is scripts/load/engine.ts;
// this file turns the command line into its options and the report into text, JSON and HTML.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { InvalidArgumentError } from 'commander';
import type { Endpoints } from '../gateway.js';
import { DEFAULT_PORTS, type ListenerKey } from '../core/config.js';
import { loadTest, type LoadAuth, type LoadMixEntry, type LoadProtocol, type LoadResult, type LoadTestOptions, type LoadTransport, type LoadAction } from './load/engine.js';
import type { RunReport, Tick } from './load/runner.js';
import { renderReport } from './load/report.js';
import { endpointsPath, readEndpoints } from './lib/client.js';

export interface LoadCommandOptions {
  protocol: LoadProtocol;
  host?: string;
  port?: number;
  transport?: LoadTransport;
  ca?: string;
  servername?: string;
  insecure?: boolean;
  tlsResume?: boolean;
  data?: string;
  endpoints?: string;
  user?: string;
  users: [number, number];
  password: string;
  auth: LoadAuth;
  mix: LoadMixEntry[];
  clientId?: string;
  clientSecret?: string;
  tenant?: string;
  grant: 'password' | 'client_credentials';
  scope?: string;
  token?: string;
  identityUrl?: string;
  concurrency: number;
  duration?: number;
  count?: number;
  action: LoadAction;
  json?: string;
  report?: string;
  quiet?: boolean;
  progress?: boolean;
}

/** `10s`, `2m`, `500ms`, `1h`, or a number of seconds. */
export function parseDuration(value: string): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(value.trim());
  if (!m) throw new InvalidArgumentError('a duration is a number with ms, s, m or h, e.g. 30s');
  const scale = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[m[2] ?? 's']!;
  const ms = Number(m[1]) * scale;
  if (!(ms > 0)) throw new InvalidArgumentError('a duration must be above 0');
  return ms;
}

export function parseWhole(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('a whole number of at least 1');
  return n;
}

export function parseRange(value: string): [number, number] {
  const m = /^(\d+)(?:-(\d+))?$/.exec(value.trim());
  if (!m) throw new InvalidArgumentError('a range is "from-to", e.g. 1-1000');
  const range: [number, number] = [Number(m[1]), Number(m[2] ?? m[1])];
  if (range[0] > range[1]) throw new InvalidArgumentError('a range runs from the lower number to the higher');
  return range;
}

/** `--mix 70:basic:user{n}@fabrikam.com:Passw0rd` (user and password optional; the password may hold ':'). */
export function parseMix(value: string, previous: LoadMixEntry[] = []): LoadMixEntry[] {
  const [weight, auth, user, ...password] = value.split(':');
  const w = Number(weight);
  if (!(w > 0)) throw new InvalidArgumentError('a mix entry starts with its weight above 0, e.g. 70:basic');
  if (auth !== 'basic' && auth !== 'oauth') throw new InvalidArgumentError('a mix entry names basic or oauth, e.g. 30:oauth');
  const entry: LoadMixEntry = { weight: w, auth };
  if (user) entry.user = user;
  if (password.length) entry.password = password.join(':');
  return [...previous, entry];
}

/** Which exogate listener a protocol and transport reach. */
function listenerKey(protocol: LoadProtocol, transport: LoadTransport): ListenerKey {
  if (protocol === 'ews' || protocol === 'eas') return 'https';
  const base = protocol === 'imap' ? 'imap' : protocol === 'pop3' ? 'pop3' : 'smtp';
  return (transport === 'tls' ? `${base}s` : base) as ListenerKey;
}

/** A running exogate, when the command names one or one runs from the default data folder. */
function findEndpoints(o: LoadCommandOptions): Endpoints | undefined {
  if (o.endpoints || o.data) return readEndpoints(o);
  if (o.port === undefined && existsSync(endpointsPath({}))) return readEndpoints({});
  return undefined;
}

export function loadOptionsFrom(o: LoadCommandOptions): LoadTestOptions {
  const transport = o.transport ?? (o.protocol === 'smtp' ? 'starttls' : 'tls');
  const endpoints = findEndpoints(o);
  const host = o.host ?? endpoints?.host ?? '127.0.0.1';
  const port = o.port ?? (endpoints ?? { ports: DEFAULT_PORTS }).ports[listenerKey(o.protocol, transport)];
  const ca = o.ca ? readFileSync(o.ca, 'utf8') : endpoints?.caCert ? readFileSync(endpoints.caCert, 'utf8') : undefined;
  const identity = o.identityUrl ? new URL(o.identityUrl) : undefined;
  const mix = o.mix.length ? o.mix : [{ weight: 1, auth: o.auth }];
  if (!o.user && mix.some((m) => !m.user)) throw new InvalidArgumentError('name the users: --user "user{n}@contoso.com" (or a user in every --mix entry)');
  return {
    protocol: o.protocol,
    host,
    port,
    transport,
    ca,
    servername: o.servername,
    insecure: o.insecure,
    tlsResume: o.tlsResume,
    user: o.user ?? '',
    users: o.users,
    password: o.password,
    mix,
    oauth:
      o.clientId || o.token
        ? {
            clientId: o.clientId ?? '',
            clientSecret: o.clientSecret,
            grant: o.grant,
            tenant: o.tenant,
            scope: o.scope,
            token: o.token,
            host: identity?.hostname ?? host,
            port: identity ? Number(identity.port || 443) : (endpoints?.ports.https ?? (o.host ? 443 : DEFAULT_PORTS.https)),
          }
        : undefined,
    concurrency: o.concurrency,
    durationMs: o.count !== undefined && o.duration === undefined ? undefined : (o.duration ?? 10_000),
    count: o.count,
    action: o.action,
  };
}

const int = (n: number) => Math.round(n).toLocaleString('en-US');
const ms = (n: number) => (n >= 100 ? n.toFixed(0) : n >= 10 ? n.toFixed(1) : n.toFixed(2));
const pad = (s: string, w: number) => (s.length >= w ? s : s + ' '.repeat(w - s.length));
const lpad = (s: string, w: number) => (s.length >= w ? s : ' '.repeat(w - s.length) + s);

export function progressLine(t: Tick): string {
  return `${(t.elapsedMs / 1000).toFixed(1)}s  ${int(t.sessions)} sessions  ${int(t.rate)}/s  errors ${int(t.errors)}  p50 ${ms(t.p50)} ms  p99 ${ms(t.p99)} ms`;
}

/** The text summary: the run, each share, then every reply by its exact text with its count. */
export function summaryText(o: LoadTestOptions, result: LoadResult): string {
  const r: RunReport = result.report;
  const lines = [
    `exogate load: ${o.protocol} ${o.transport} ${o.host}:${o.port}, concurrency ${o.concurrency}, ${(r.durationMs / 1000).toFixed(1)} s${o.action !== 'none' ? `, then ${o.action}` : ''}`,
    `sessions ${int(r.sessions)} (${r.perSecond.toFixed(1)}/s)  errors ${int(r.errors)}  latency p50 ${ms(r.latencyMs.p50)} ms  p90 ${ms(r.latencyMs.p90)} ms  p99 ${ms(r.latencyMs.p99)} ms  max ${ms(r.latencyMs.max)} ms`,
  ];
  if (result.tokens.fetched || result.tokens.refused) lines.push(`tokens fetched ${int(result.tokens.fetched)}, refused ${int(result.tokens.refused)}`);
  const nameWidth = Math.max(8, ...r.scenarios.map((s) => s.name.length));
  lines.push('', `${pad('share', nameWidth)}  ${lpad('sessions', 10)}  ${lpad('errors', 8)}  ${lpad('p50 ms', 8)}  ${lpad('p99 ms', 8)}`);
  for (const s of r.scenarios) lines.push(`${pad(s.name, nameWidth)}  ${lpad(int(s.sessions), 10)}  ${lpad(int(s.errors), 8)}  ${lpad(ms(s.latencyMs.p50), 8)}  ${lpad(ms(s.latencyMs.p99), 8)}`);
  lines.push('', 'replies (exact text)');
  for (const s of r.scenarios) {
    lines.push(`  ${s.name}`);
    const total = s.sessions + s.errors;
    for (const [text, count] of Object.entries(s.outcomes).sort((a, b) => b[1] - a[1])) lines.push(`    ${lpad(int(count), 10)}  ${lpad(((count / total) * 100).toFixed(1), 5)}%  ${text}`);
    for (const [text, count] of Object.entries(s.errorKinds).sort((a, b) => b[1] - a[1])) lines.push(`    ${lpad(int(count), 10)}  ${lpad(((count / total) * 100).toFixed(1), 5)}%  error: ${text}`);
  }
  return lines.join('\n');
}

export async function runLoadCommand(o: LoadCommandOptions, argv: string[]): Promise<void> {
  const options = loadOptionsFrom(o);
  const showProgress = o.progress ?? Boolean(process.stderr.isTTY);
  let stopRequested: () => void = () => undefined;
  const stop = new Promise<void>((r) => (stopRequested = r));
  const onSigint = () => {
    process.stderr.write('\nstopping: the report covers what ran\n');
    stopRequested();
  };
  process.once('SIGINT', onSigint);
  const result = await loadTest({
    ...options,
    stop,
    onTick: showProgress ? (t) => process.stderr.write(process.stderr.isTTY ? `\r\x1b[K${progressLine(t)}` : `${progressLine(t)}\n`) : undefined,
  }).finally(() => process.off('SIGINT', onSigint));
  if (showProgress && process.stderr.isTTY) process.stderr.write('\n');
  const command = ['exogate', ...argv].map((a) => (/^[\w@%+=:,./{}-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`)).join(' ');
  const settings = {
    protocol: options.protocol,
    target: `${options.host}:${options.port}`,
    transport: options.transport,
    concurrency: options.concurrency,
    duration: options.durationMs !== undefined ? `${options.durationMs / 1000} s` : '—',
    count: options.count ?? '—',
    users: `${options.users[0]}-${options.users[1]}`,
    action: options.action,
    'tls resume': Boolean(options.tlsResume),
  };
  if (o.json) {
    const text = JSON.stringify({ command, settings, tokens: result.tokens, ...result.report }, null, 2);
    if (o.json === '-') process.stdout.write(`${text}\n`);
    else writeFileSync(o.json, `${text}\n`);
  }
  if (o.report) {
    writeFileSync(o.report, renderReport(result.report, { title: `exogate load: ${options.protocol} against ${options.host}:${options.port}`, command, target: `${options.host}:${options.port}`, protocol: options.protocol, settings }));
  }
  if (!o.quiet && o.json !== '-') console.log(summaryText(options, result));
  if (result.report.sessions === 0 && result.report.errors > 0) process.exitCode = 1;
}
