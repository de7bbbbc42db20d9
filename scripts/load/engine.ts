// The load engine behind `exogate load`, usable as a library: turns a description of a run
// (protocol, target, transport, a weighted mix of Basic and OAuth users, concurrency, duration
// or count, an after-login action) into sessions for the runner, and returns its report.
import type { ConnectionOptions } from 'node:tls';
import { isIP } from 'node:net';
import { runLoad, type RunReport, type Scenario, type SessionResult, type Tick } from './runner.js';
import { imapLoginSession } from './imap.js';
import { pop3LoginSession } from './pop3.js';
import { smtpAuthSession } from './smtp.js';
import { basicHeader, httpCall, keepAliveAgent, type HttpTarget } from './http.js';
import { easCall, ewsCall, readEasBody, readEwsBody } from './exchange-http.js';
import { TokenRefused, TokenSource } from './tokens.js';
import type { TlsResume } from './line-client.js';

export const LOAD_PROTOCOLS = ['imap', 'pop3', 'smtp', 'ews', 'eas'] as const;
export type LoadProtocol = (typeof LOAD_PROTOCOLS)[number];
export const LOAD_TRANSPORTS = ['plain', 'starttls', 'tls'] as const;
export type LoadTransport = (typeof LOAD_TRANSPORTS)[number];
export const LOAD_ACTIONS = ['none', 'fetch', 'send'] as const;
export type LoadAction = (typeof LOAD_ACTIONS)[number];
export type LoadAuth = 'basic' | 'oauth';

/** The actions each protocol can run after signing in. */
export const ACTIONS_BY_PROTOCOL: Readonly<Record<LoadProtocol, readonly LoadAction[]>> = {
  imap: ['none', 'fetch'],
  pop3: ['none', 'fetch'],
  smtp: ['none', 'send'],
  ews: ['none', 'fetch', 'send'],
  eas: ['none'],
};

/** Delegated scopes a user token asks for, per protocol (what a mail client asks for). */
export const USER_SCOPES: Readonly<Record<LoadProtocol, string>> = {
  imap: 'https://outlook.office.com/IMAP.AccessAsUser.All',
  pop3: 'https://outlook.office.com/POP.AccessAsUser.All',
  smtp: 'https://outlook.office.com/SMTP.Send',
  ews: 'https://outlook.office365.com/EWS.AccessAsUser.All',
  eas: 'https://outlook.office365.com/EAS.AccessAsUser.All',
};
export const APP_SCOPE = 'https://outlook.office365.com/.default';

/** One share of the mix: e.g. 70 parts Basic for user{n}@fabrikam.com, 30 parts OAuth. */
export interface LoadMixEntry {
  weight: number;
  auth: LoadAuth;
  /** User pattern for this share (default: the run's). */
  user?: string;
  /** Password for this share (default: the run's). */
  password?: string;
}

export interface LoadOAuthOptions {
  clientId: string;
  clientSecret?: string;
  /** `password` (default): a token per user; `client_credentials`: an app token per tenant. */
  grant?: 'password' | 'client_credentials';
  tenant?: string;
  scope?: string;
  /** The identity platform's HTTPS host and port (default: the target host, port 443). */
  host?: string;
  port?: number;
  /** Use this token for every OAuth session instead of fetching one. */
  token?: string;
}

export interface LoadTestOptions {
  protocol: LoadProtocol;
  host: string;
  port: number;
  /** HTTP protocols are always TLS. */
  transport: LoadTransport;
  ca?: string;
  /** TLS server name (default: the host, or localhost for an address). */
  servername?: string;
  insecure?: boolean;
  /** Offer TLS session tickets back to the server, as clients that resume sessions do. */
  tlsResume?: boolean;
  /** `user{n}@domain`: {n} runs over `users`. */
  user: string;
  users: [number, number];
  password: string;
  mix: LoadMixEntry[];
  oauth?: LoadOAuthOptions;
  concurrency: number;
  durationMs?: number;
  count?: number;
  action: LoadAction;
  onTick?: (tick: Tick) => void;
  stop?: Promise<unknown>;
}

export interface LoadResult {
  report: RunReport;
  tokens: { fetched: number; refused: number };
}

export class LoadOptionsError extends Error {}

export function checkLoadOptions(o: LoadTestOptions): void {
  const problems: string[] = [];
  const http = o.protocol === 'ews' || o.protocol === 'eas';
  if (!LOAD_PROTOCOLS.includes(o.protocol)) problems.push(`unknown protocol "${o.protocol}" (${LOAD_PROTOCOLS.join(', ')})`);
  else if (!ACTIONS_BY_PROTOCOL[o.protocol].includes(o.action)) problems.push(`--action ${o.action} is not available for ${o.protocol} (${ACTIONS_BY_PROTOCOL[o.protocol].join(', ')})`);
  if (http && o.transport !== 'tls') problems.push(`${o.protocol} runs over HTTPS only: --transport tls`);
  if (!Number.isInteger(o.port) || o.port < 1 || o.port > 65535) problems.push(`port ${o.port} is not a port`);
  if (!Number.isInteger(o.concurrency) || o.concurrency < 1) problems.push('--concurrency must be a whole number of at least 1');
  if (o.count !== undefined && (!Number.isInteger(o.count) || o.count < 1)) problems.push('--count must be a whole number of at least 1');
  if (o.durationMs !== undefined && !(o.durationMs > 0)) problems.push('--duration must be above 0');
  if (!(o.users[0] <= o.users[1]) || !Number.isInteger(o.users[0]) || !Number.isInteger(o.users[1])) problems.push('--users is a range "from-to" of whole numbers, from ≤ to');
  if (!o.mix.length) problems.push('the mix is empty');
  for (const m of o.mix) if (!(m.weight > 0)) problems.push(`mix weight ${m.weight} must be above 0`);
  if (o.mix.some((m) => m.auth === 'oauth') && !o.oauth?.token && !o.oauth?.clientId) problems.push('OAuth sessions need --client-id (or --token)');
  if (problems.length) throw new LoadOptionsError(problems.join('\n'));
}

/** `user{n}@domain` with n running over [from, to] as sessions go by. */
export function userAt(pattern: string, users: [number, number], n: number): string {
  const size = users[1] - users[0] + 1;
  return pattern.includes('{n}') ? pattern.replaceAll('{n}', String(users[0] + (n % size))) : pattern;
}

export function scenarioName(entry: LoadMixEntry, o: Pick<LoadTestOptions, 'user'>): string {
  return `${entry.auth} ${entry.user ?? o.user}`;
}

export async function loadTest(o: LoadTestOptions): Promise<LoadResult> {
  checkLoadOptions(o);
  const servername = o.servername ?? (isIP(o.host) ? 'localhost' : o.host);
  const tls: ConnectionOptions = { ca: o.ca, servername, rejectUnauthorized: !o.insecure };
  const resume: TlsResume | undefined = o.tlsResume ? {} : undefined;
  const oauthUsed = o.mix.some((m) => m.auth === 'oauth');
  const tokens =
    oauthUsed && !o.oauth?.token
      ? new TokenSource({
          host: o.oauth?.host ?? o.host,
          port: o.oauth?.port ?? 443,
          ca: o.ca,
          servername: o.oauth?.host && !isIP(o.oauth.host) ? o.oauth.host : servername,
          insecure: o.insecure,
          clientId: o.oauth!.clientId,
          clientSecret: o.oauth?.clientSecret,
          grant: o.oauth?.grant ?? 'password',
          tenant: o.oauth?.tenant,
          scope: o.oauth?.scope ?? (o.oauth?.grant === 'client_credentials' ? APP_SCOPE : USER_SCOPES[o.protocol]),
        })
      : undefined;
  const httpTarget: HttpTarget = { host: o.host, port: o.port, ca: o.ca, servername, insecure: o.insecure, connections: o.concurrency };
  const agent = o.protocol === 'ews' || o.protocol === 'eas' ? keepAliveAgent(httpTarget) : undefined;

  const sessionFor = (entry: LoadMixEntry) => {
    const pattern = entry.user ?? o.user;
    const password = entry.password ?? o.password;
    return async (n: number): Promise<SessionResult> => {
      const user = userAt(pattern, o.users, n);
      let accessToken: string | undefined;
      if (entry.auth === 'oauth') {
        try {
          accessToken = o.oauth?.token ?? (await tokens!.get(user, password));
        } catch (error) {
          if (error instanceof TokenRefused) return { outcome: error.answer };
          throw error;
        }
      }
      const credential = { user, password, accessToken };
      switch (o.protocol) {
        case 'imap':
          return imapLoginSession({ host: o.host, port: o.port, tls: o.transport === 'plain' ? undefined : tls, starttls: o.transport === 'starttls', resume, ...credential, fetch: o.action === 'fetch' });
        case 'pop3':
          return pop3LoginSession({ host: o.host, port: o.port, tls: o.transport === 'plain' ? undefined : tls, starttls: o.transport === 'starttls', resume, ...credential, fetch: o.action === 'fetch' });
        case 'smtp':
          return smtpAuthSession({ host: o.host, port: o.port, transport: o.transport, tls, resume, ...credential, send: o.action === 'send' });
        case 'ews':
        case 'eas': {
          const authorization = accessToken !== undefined ? `Bearer ${accessToken}` : basicHeader(user, password);
          const call = o.protocol === 'ews' ? ewsCall(user, authorization, o.action) : easCall(user, authorization);
          return httpCall(agent!, httpTarget, call, o.protocol === 'ews' ? readEwsBody : readEasBody);
        }
      }
    };
  };
  const scenarios: Scenario[] = o.mix.map((entry) => ({ name: scenarioName(entry, o), weight: entry.weight, session: sessionFor(entry) }));
  try {
    const report = await runLoad({ concurrency: o.concurrency, durationMs: o.durationMs, count: o.count, scenarios, onTick: o.onTick, stop: o.stop });
    return { report, tokens: { fetched: tokens?.fetched ?? 0, refused: tokens?.refused ?? 0 } };
  } finally {
    agent?.destroy();
    tokens?.close();
  }
}
