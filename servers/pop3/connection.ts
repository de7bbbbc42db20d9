// One POP3 session (RFC 1939, RFC 2449, RFC 2595, RFC 5034) as Exchange Online's front end runs
// it: its state, the one pending continuation it may be in (an AUTH step), and the way every
// command is checked against the state and its arguments before its handler runs. Words come
// from replies.ts; decisions from the auth core; mail from the store.
import type { Socket } from 'node:net';
import type { Decision } from '../../core/auth/attempt.js';
import type { FrontEndEra } from '../../core/eras.js';
import type { FrontEnd } from '../../core/frontends.js';
import { WireConnection } from '../wire/connection.js';
import { frontEndEra, greetingFqdn, mailWireLimits } from '../wire/mail-session.js';
import { COMMANDS } from './commands/index.js';
import { parseArgs, type CommandSpec } from './commands/spec.js';
import type { Pop3Context } from './context.js';
import { Maildrop } from './maildrop.js';
import { AUTHENTICATED_BUT_NOT_CONNECTED, CAPABILITIES, GREETINGS, TEXTS, type Pop3List, type Pop3Text } from './replies.js';

/**
 * RFC 1939's AUTHORIZATION, TRANSACTION and UPDATE, with AUTHORIZATION's two inner states
 * Exchange keeps apart (Pop3State.User, AuthenticatedButFailed): `password` after USER, waiting
 * for PASS; `not-connected` after a sign-in that was accepted but cannot reach the mailbox.
 */
export type Pop3State = 'authorization' | 'password' | 'transaction' | 'not-connected' | 'update';

/** A session waiting for a line that is not a command: the client's answer to `+ `. */
export type Continuation = { kind: 'sasl'; next: (line: string) => void | Promise<void> };

/** What a sign-in did to the session. */
export type SignInResult = 'transaction' | 'not-connected' | 'failed' | 'locked' | 'unavailable';

/** Bad commands a session may send; the next one ends it (decompiled `InvalidCommands > 2`). */
const INVALID_COMMANDS_ALLOWED = 2;

// Whole lines up to the IMAP/POP3 line limit: AUTH continuation lines (an XOAUTH2 token) are
// long; commands are held to pop3MaxCommandBytes when they are read.
const POP3_READER = { maxLiteralBytes: 0, maxLargeLiteralBytes: 0, literals: false };

export class Pop3Connection extends WireConnection {
  state: Pop3State = 'authorization';
  readonly frontEnd: FrontEnd;
  continuation: Continuation | null = null;
  /** USER's argument, until PASS. */
  pendingUser: string | null = null;
  /** The snapshot of INBOX, in TRANSACTION. */
  maildrop: Maildrop | null = null;
  /** Failed PASS/AUTH in this session (Exchange ends the session after a few). */
  loginFailures = 0;
  #invalidCommands = 0;
  /** The mailbox whose maildrop lock this session holds. */
  #locked: string | null = null;

  constructor(
    socket: Socket,
    secure: boolean,
    readonly ctx: Pop3Context,
  ) {
    super(socket, secure, mailWireLimits(ctx.limits, POP3_READER));
    this.frontEnd = ctx.frontEnds.pick();
  }

  get era(): FrontEndEra {
    return frontEndEra(this.ctx.limits, this.ctx.clock);
  }

  /** Whether USER, PASS and AUTH may be used here (outside TLS only when the gateway allows it, for load tests). */
  get signInAllowed(): boolean {
    return this.secure || this.ctx.limits.mailAllowPlainLogin;
  }

  greet(): void {
    this.ok(GREETINGS[this.era].text.replace('{fqdn}', greetingFqdn(this.frontEnd)));
  }

  capabilities(): Pop3List {
    if (this.secure) return CAPABILITIES.tls;
    return this.ctx.limits.mailAllowPlainLogin ? CAPABILITIES.plainLoginAllowed : CAPABILITIES.plain;
  }

  // --- writing ---

  /** `+OK` alone, or `+OK <text>`. */
  ok(text?: string): void {
    this.write(text ? `+OK ${text}\r\n` : '+OK\r\n');
  }

  err(text: string): void {
    this.write(`-ERR ${text}\r\n`);
  }

  /** Writes a (possibly large) answer and waits until the socket has taken it, so a client that never reads cannot make the server buffer without bound. */
  async send(data: string | Buffer): Promise<void> {
    this.write(data);
    const socket = this.socket;
    if (this.closed || socket.destroyed || !socket.writableNeedDrain) return;
    await new Promise<void>((resolve) => {
      const done = () => {
        socket.off('drain', done);
        socket.off('close', done);
        resolve();
      };
      socket.on('drain', done);
      socket.on('close', done);
    });
  }

  /**
   * A bad command: its `-ERR`, and after the third (of any kind) the session ends with a second
   * line, `Connection is closed. 21` (decompiled ProcessInvalidState / ProcessParseError).
   */
  invalid(text: Pop3Text): void {
    if (++this.#invalidCommands > INVALID_COMMANDS_ALLOWED) {
      this.write(`-ERR ${text.text}\r\n${TEXTS.connectionClosed21.text}\r\n`);
      this.close();
      return;
    }
    this.err(text.text);
  }

  /** A command in a state it is not valid in. */
  invalidState(): void {
    this.invalid(this.state === 'not-connected' ? TEXTS.notConnected : TEXTS.invalidState);
  }

  /** A failed PASS or AUTH: its line, and after the last allowed one the session ends. */
  signInFailed(text: Pop3Text): void {
    this.state = 'authorization';
    if (++this.loginFailures >= this.ctx.limits.pop3MaxLoginFailures) {
      this.write(`-ERR ${text.text}\r\n${TEXTS.connectionClosed21.text}\r\n`);
      this.close();
      return;
    }
    this.err(text.text);
  }

  // --- the session's sign-in ---

  /**
   * Applies an auth-core decision. An accepted one takes the mailbox's maildrop lock and the INBOX
   * snapshot and enters TRANSACTION; "protocol disabled for the mailbox" signs in without the
   * mailbox; anything else is the caller's failure line.
   */
  async signIn(decision: Decision): Promise<SignInResult> {
    if (AUTHENTICATED_BUT_NOT_CONNECTED.has(decision.outcome)) {
      this.markAuthenticated();
      this.state = 'not-connected';
      return 'not-connected';
    }
    const mailbox = decision.mailbox;
    if (decision.outcome !== 'ok' || !mailbox) return 'failed';
    if (!this.ctx.maildropLocks.acquire(mailbox.id)) {
      this.state = 'authorization';
      return 'locked';
    }
    this.#locked = mailbox.id;
    try {
      const maildrop = await Maildrop.open(this.ctx.mail, mailbox.id);
      if (this.closed) {
        this.releaseMaildrop();
        return 'unavailable';
      }
      this.maildrop = maildrop;
    } catch (error) {
      this.ctx.log.error({ proto: 'pop3', cid: this.id, err: error }, 'maildrop not opened');
      this.releaseMaildrop();
      this.state = 'authorization';
      return 'unavailable';
    }
    this.markAuthenticated();
    this.state = 'transaction';
    return 'transaction';
  }

  releaseMaildrop(): void {
    if (this.#locked) this.ctx.maildropLocks.release(this.#locked);
    this.#locked = null;
    this.maildrop = null;
  }

  // --- reading ---

  protected onCommand(bytes: Buffer): void | Promise<void> {
    const pending = this.continuation;
    if (pending) {
      this.continuation = null;
      return pending.next(bytes.toString('latin1'));
    }
    if (bytes.length > this.ctx.limits.pop3MaxCommandBytes) return this.#tooLong();
    const line = bytes.toString('latin1');
    const space = line.indexOf(' ');
    const word = (space < 0 ? line : line.slice(0, space)).toUpperCase();
    const spec = COMMANDS.get(word);
    // PASS may carry any octets (a password); every other command must be US-ASCII.
    if (spec?.args !== 'secret' && bytes.some((b) => b > 0x7f)) return this.invalid(TEXTS.protocolError17);
    if (!spec) return this.#unknown();
    if (!spec.states.includes(this.state) || !this.#tlsAllows(spec)) return this.invalidState();
    const args = parseArgs(spec.args, space < 0 ? '' : line.slice(space + 1));
    if (args === 'bad-argument') return this.invalid(TEXTS.protocolError14);
    if (args === 'argument-count') return this.invalid(TEXTS.protocolError16);
    let result: void | Promise<void>;
    try {
      result = spec.run(this, args);
    } catch (error) {
      return this.#failed(word, error);
    }
    if (result instanceof Promise) return result.catch((error: unknown) => this.#failed(word, error));
  }

  #tlsAllows(spec: CommandSpec): boolean {
    if (spec.tls === 'sign-in') return this.signInAllowed;
    if (spec.tls === 'before') return !this.secure;
    return true;
  }

  /** An unknown command (an IMAP command on the POP3 port, noise): `Protocol error. 19`, the third `Protocol error. 20` and the end. */
  #unknown(): void {
    if (++this.#invalidCommands > INVALID_COMMANDS_ALLOWED) {
      this.err(TEXTS.protocolError20.text);
      this.close();
      return;
    }
    this.err(TEXTS.protocolError19.text);
  }

  #tooLong(): void {
    this.continuation = null;
    this.err(TEXTS.tooLong.text);
    this.close();
  }

  #failed(command: string, error: unknown): void {
    this.ctx.log.error({ proto: 'pop3', cid: this.id, err: error, command }, 'command failed');
    if (!this.closed) this.invalid(TEXTS.serverUnavailable);
  }

  protected onContinuation(): void {
    // POP3 has no literals; the reader never asks.
  }

  protected onTooLong(): void {
    this.#tooLong();
  }

  protected onIdle(): void {
    this.err(TEXTS.idleTimeout.text);
  }

  protected onThrottled(backoffMs: number): void {
    this.err(TEXTS.throttled.text.replace('{ms}', String(backoffMs)));
  }

  onShutdown(): void {
    if (this.closed) return;
    this.err(TEXTS.shuttingDown.text);
    this.close();
  }

  /** A dropped connection leaves the mailbox as it was: marks die with the session (RFC 1939 §6). */
  protected override onClosed(): void {
    this.continuation = null;
    this.releaseMaildrop();
  }
}
