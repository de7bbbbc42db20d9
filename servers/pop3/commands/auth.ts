// USER, PASS and AUTH (PLAIN, XOAUTH2) — reference §3, §8.3; RFC 1939 §7, RFC 5034. Every
// failure of a kind reads the same uninformative line; "protocol disabled for the mailbox" is an
// accepted sign-in that cannot reach the mailbox; the 2026 front end refuses Basic before
// looking at the account.
import { basicAttempt, oauthAttempt, type AuthAttempt } from '../../../core/auth/attempt.js';
import { decodeBase64, parsePlain, parseXoauth2 } from '../../wire/sasl.js';
import type { Pop3Connection } from '../connection.js';
import { listing } from '../maildrop.js';
import { AUTH_MECHANISMS, SIGN_IN, TEXTS, type Pop3Text } from '../replies.js';
import { SIGN_IN_STATES, type CommandSpec } from './spec.js';

type Verb = 'PASS' | 'AUTH PLAIN' | 'AUTH XOAUTH2';

const SUCCESS: Readonly<Record<Verb, Pop3Text>> = {
  PASS: SIGN_IN.loggedOn,
  'AUTH PLAIN': SIGN_IN.authenticated,
  'AUTH XOAUTH2': SIGN_IN.authenticated,
};

const FAILURE: Readonly<Record<Verb, Pop3Text>> = {
  PASS: SIGN_IN.logonFailed,
  'AUTH PLAIN': SIGN_IN.authenticationFailed,
  'AUTH XOAUTH2': SIGN_IN.authenticationFailed,
};

/**
 * The 2026 front end: Basic is gone, said plainly, and the session ends (§3; the end of the
 * session is IMAP's §2.4 behaviour, UNCONFIRMED for POP3).
 */
function basicRefusedByFrontEnd(c: Pop3Connection): boolean {
  if (c.era !== 'tcpproxy') return false;
  c.err(SIGN_IN.basicDisabled.text);
  c.close();
  return true;
}

function conn(c: Pop3Connection) {
  return { clientIp: c.remoteAddress, tls: c.secure };
}

async function decide(c: Pop3Connection, verb: Verb, attempt: AuthAttempt): Promise<void> {
  const decision = await c.ctx.auth.decide(attempt);
  c.ctx.log.info(
    { proto: 'pop3', cid: c.id, ip: c.remoteAddress, verb, kind: attempt.kind, tenant: decision.tenant?.name, user: attempt.username, outcome: decision.outcome },
    'auth',
  );
  if (c.closed) return;
  const result = await c.signIn(decision);
  if (c.closed) return;
  if (result === 'transaction' || result === 'not-connected') return c.ok(SUCCESS[verb].text);
  if (result === 'locked') return c.err(TEXTS.maildropLocked.text);
  if (result === 'unavailable') return c.err(TEXTS.serverUnavailable.text);
  c.signInFailed(FAILURE[verb]);
}

/** RFC 1939 §7: USER names the mailbox; Exchange answers a bare +OK whatever the name. */
const USER: CommandSpec = {
  states: SIGN_IN_STATES,
  args: 'text',
  tls: 'sign-in',
  run(c, { rest }) {
    c.pendingUser = Buffer.from(rest, 'latin1').toString('utf8');
    c.state = 'password';
    c.ok();
  },
};

/** The password is the rest of the line, spaces and all; a password in UTF-8 is read as such. */
const PASS: CommandSpec = {
  states: ['password'],
  args: 'secret',
  tls: 'sign-in',
  async run(c, { rest }) {
    const user = c.pendingUser ?? '';
    c.pendingUser = null;
    c.state = 'authorization';
    if (basicRefusedByFrontEnd(c)) return;
    await decide(c, 'PASS', basicAttempt('pop', user, Buffer.from(rest, 'latin1').toString('utf8'), conn(c)));
  },
};

interface Mechanism {
  verb: Verb;
  basic: boolean;
  /** The client's (decoded) response as an attempt, or null when it cannot be one. */
  attempt(c: Pop3Connection, decoded: string): AuthAttempt | null;
}

const MECHANISMS: ReadonlyMap<string, Mechanism> = new Map([
  [
    'PLAIN',
    {
      verb: 'AUTH PLAIN',
      basic: true,
      attempt(c, decoded) {
        const plain = parsePlain(decoded);
        return plain ? basicAttempt('pop', plain.username, plain.secret, conn(c)) : null;
      },
    },
  ],
  [
    'XOAUTH2',
    {
      verb: 'AUTH XOAUTH2',
      basic: false,
      attempt(c, decoded) {
        const parsed = parseXoauth2(decoded);
        return oauthAttempt('pop', parsed?.username ?? '', parsed?.token ?? '', conn(c));
      },
    },
  ],
] satisfies [string, Mechanism][]);

async function respond(c: Pop3Connection, mechanism: Mechanism, line: string): Promise<void> {
  if (line.trim() === '*') return c.signInFailed(SIGN_IN.authCancelled);
  const decoded = decodeBase64(line);
  const attempt = decoded === undefined ? null : mechanism.attempt(c, decoded);
  if (!attempt) return c.signInFailed(FAILURE[mechanism.verb]);
  await decide(c, mechanism.verb, attempt);
}

/**
 * RFC 5034: `AUTH <mechanism>` then the response after a `+ ` continuation (the form Exchange
 * Online documents, §8.3), or `AUTH <mechanism> <initial response>` when that fits in a command
 * line — which an XOAUTH2 token does not at Exchange's 512 bytes (see pop3MaxCommandBytes).
 */
const AUTH: CommandSpec = {
  states: SIGN_IN_STATES,
  args: 'sasl',
  tls: 'sign-in',
  async run(c, { words }) {
    if (!words.length) return c.send(`+OK\r\n${listing(AUTH_MECHANISMS.lines)}`);
    const mechanism = MECHANISMS.get(words[0].toUpperCase());
    // An unknown mechanism is an argument error to Exchange (decompiled Pop3RequestAuth).
    if (!mechanism) return c.err(TEXTS.protocolError14.text);
    if (mechanism.basic && basicRefusedByFrontEnd(c)) return;
    if (words.length === 2) return respond(c, mechanism, words[1]);
    c.continuation = { kind: 'sasl', next: (line) => respond(c, mechanism, line) };
    c.write('+ \r\n');
  },
};

export const AUTH_COMMANDS: readonly [string, CommandSpec][] = [
  ['USER', USER],
  ['PASS', PASS],
  ['AUTH', AUTH],
];
