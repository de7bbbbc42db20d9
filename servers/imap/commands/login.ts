// LOGIN and AUTHENTICATE (PLAIN, XOAUTH2, OAUTHBEARER) — reference §2.4. Every failure reads
// the same uninformative line; an OK may still leave the session "not connected"; the 2026
// front end refuses Basic before looking at the account.
import { basicAttempt, oauthAttempt, type AuthAttempt, type Decision } from '../../../core/auth/attempt.js';
import { decodeBase64, parseOauthbearer, parsePlain, parseXoauth2 } from '../../wire/sasl.js';
import type { ImapConnection } from '../connection.js';
import { astring, atomArg, type ParsedCommand } from '../parser.js';
import { AUTHENTICATE_FAILED, AUTHENTICATE_OK, LOGIN_FAILED, LOGIN_OK, TEXTS } from '../replies.js';
import { NOT_AUTHENTICATED, type CommandSpec } from './spec.js';

type Verb = 'LOGIN' | 'AUTHENTICATE';

/** Sign-in outside TLS: Exchange refuses it as a command in the wrong state (§2.2). */
function plainRefused(c: ImapConnection, tag: string): boolean {
  if (c.secure || c.ctx.limits.mailAllowPlainLogin) return false;
  c.tagged(tag, 'BAD', TEXTS.invalidState.text);
  return true;
}

/** The 2026 front end: Basic is gone, said plainly, and the session ends (§2.4). */
function basicRefusedByFrontEnd(c: ImapConnection, tag: string): boolean {
  if (c.era !== 'tcpproxy') return false;
  c.tagged(tag, 'NO', TEXTS.basicDisabled.text);
  c.bye(TEXTS.signingOff.text);
  return true;
}

async function decide(c: ImapConnection, tag: string, verb: Verb, attempt: AuthAttempt): Promise<void> {
  const decision: Decision = await c.ctx.auth.decide(attempt);
  c.ctx.log.info({ proto: 'imap', cid: c.id, ip: c.remoteAddress, verb, kind: attempt.kind, tenant: decision.tenant?.name, user: attempt.username, outcome: decision.outcome }, 'auth');
  if (c.closed) return;
  if (c.signedIn(decision)) return c.tagged(tag, 'OK', (verb === 'LOGIN' ? LOGIN_OK : AUTHENTICATE_OK).text);
  c.loginFailures++;
  c.tagged(tag, 'NO', (verb === 'LOGIN' ? LOGIN_FAILED : AUTHENTICATE_FAILED).text);
  if (c.loginFailures >= c.ctx.limits.imapMaxLoginFailures) c.bye(TEXTS.loginFailedBye.text);
}

function conn(c: ImapConnection) {
  return { clientIp: c.remoteAddress, tls: c.secure, userAgent: c.clientName };
}

const LOGIN: CommandSpec = {
  states: NOT_AUTHENTICATED,
  async run(c, { tag, args }) {
    if (plainRefused(c, tag)) return;
    const user = astring(args[0]);
    const password = astring(args[1]);
    if (args.length !== 2) return c.tagged(tag, 'BAD', TEXTS.argumentError11.text);
    if (basicRefusedByFrontEnd(c, tag)) return;
    await decide(c, tag, 'LOGIN', basicAttempt('imap', user, password, conn(c)));
  },
};

/** SASL mechanisms: each turns the client's (decoded) response into an attempt, or null. */
const MECHANISMS: ReadonlyMap<string, { basic: boolean; attempt(c: ImapConnection, decoded: string): AuthAttempt | null }> = new Map([
  [
    'PLAIN',
    {
      basic: true,
      attempt(c, decoded) {
        const plain = parsePlain(decoded);
        return plain ? basicAttempt('imap', plain.username, plain.secret, conn(c)) : null;
      },
    },
  ],
  [
    'XOAUTH2',
    {
      basic: false,
      attempt(c, decoded) {
        const parsed = parseXoauth2(decoded);
        return oauthAttempt('imap', parsed?.username ?? '', parsed?.token ?? '', conn(c));
      },
    },
  ],
  [
    'OAUTHBEARER',
    {
      basic: false,
      attempt(c, decoded) {
        const parsed = parseOauthbearer(decoded);
        return oauthAttempt('imap', parsed?.username ?? '', parsed?.token ?? '', conn(c));
      },
    },
  ],
]);

async function respond(c: ImapConnection, tag: string, mechanism: NonNullable<ReturnType<typeof MECHANISMS.get>>, line: string): Promise<void> {
  const decoded = decodeBase64(line);
  const attempt = decoded === undefined || line.trim() === '*' ? null : mechanism.attempt(c, decoded);
  if (!attempt) {
    c.loginFailures++;
    return c.tagged(tag, 'NO', AUTHENTICATE_FAILED.text);
  }
  await decide(c, tag, 'AUTHENTICATE', attempt);
}

const AUTHENTICATE: CommandSpec = {
  states: NOT_AUTHENTICATED,
  async run(c, command: ParsedCommand) {
    const { tag, args } = command;
    const name = atomArg(args[0]).toUpperCase();
    const mechanism = MECHANISMS.get(name);
    if (plainRefused(c, tag)) return;
    if (!mechanism || (name === 'OAUTHBEARER' && !c.ctx.limits.imapAdvertiseOauthbearer) || args.length > 2) {
      return c.tagged(tag, 'NO', AUTHENTICATE_FAILED.text);
    }
    if (mechanism.basic && basicRefusedByFrontEnd(c, tag)) return;
    // SASL-IR: the response may come with the command; otherwise ask with a bare "+" (§2.4).
    if (args.length === 2) return respond(c, tag, mechanism, astring(args[1], 'latin1'));
    c.continuation = { kind: 'sasl', tag, next: (line) => respond(c, tag, mechanism, line) };
    c.write('+ \r\n');
  },
};

export const LOGIN_COMMANDS: readonly [string, CommandSpec][] = [
  ['LOGIN', LOGIN],
  ['AUTHENTICATE', AUTHENTICATE],
];
