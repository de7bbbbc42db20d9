// One SMTP submission session. smtp-server does the parsing, pipelining, STARTTLS and DATA
// framing; this subclass narrows it to Exchange Online's bytes (reference §4.1): the banner,
// the EHLO lines and their order, AUTH (only after TLS, LOGIN/XOAUTH2 plus unadvertised PLAIN,
// no Gmail-style XOAUTH2 challenge), and every reply line through servers/smtp/replies.ts.
import type { Socket } from 'node:net';
import type { TLSSocket } from 'node:tls';
import { SMTPConnection } from 'smtp-server/lib/smtp-connection';
import type { SMTPServer } from 'smtp-server';
import { basicAttempt, oauthAttempt } from '../../core/auth/attempt.js';
import type { FrontEnd } from '../../core/frontends.js';
import { authReply, ehloCapabilities, EVENTS, render, renderGreeting, type EventKey, type RenderContext, type SmtpReply } from './replies.js';
import { ADVERTISED_MECHANISMS, MECHANISMS, type Credential } from './sasl.js';
import type { SmtpContext, SmtpSessionUser } from './context.js';
import { KEY, RAW, translate } from './translate.js';

type Callback = () => void;

/** TLS versions Exchange Online refuses on SMTP AUTH since 2022 (reference §1). */
const LEGACY_TLS = new Set(['TLSv1', 'TLSv1.1']);
/** RFC 5321 §4.1.1.1 domain or address literal; Exchange answers anything else 501 5.5.4. */
const HELO_NAME = /^(\[[^\]\s]+\]|[A-Za-z0-9_](?:[A-Za-z0-9_.-]*[A-Za-z0-9_])?)$/;

export class ExoSmtpConnection extends SMTPConnection {
  readonly frontEnd: FrontEnd;
  readonly #ctx: SmtpContext;
  readonly #startedAt: number;

  constructor(server: SMTPServer, socket: Socket, options: ConstructorParameters<typeof SMTPConnection>[2], ctx: SmtpContext) {
    super(server, socket, options);
    this.#ctx = ctx;
    this.frontEnd = ctx.frontEnds.pick();
    this.name = this.frontEnd.bannerFqdn;
    this.#startedAt = Date.now();
  }

  renderContext(vars?: Record<string, string>): RenderContext {
    return { bannerHost: this.frontEnd.bannerFqdn, errorHost: this.frontEnd.fqdn, backend: this.frontEnd.backend, now: this.#ctx.clock.now(), vars };
  }

  /** Writes one of exogate's own reply lines. */
  reply(reply: SmtpReply | EventKey, vars?: Record<string, string>): void {
    const line = render(typeof reply === 'string' ? EVENTS[reply] : reply, this.renderContext(vars));
    this.#write(line);
  }

  #write(line: string): void {
    super.send(Number(line.slice(0, 3)), line.slice(4), false);
  }

  // smtp-server's single write site: its own texts are translated, exogate's pass through.
  override send(code: number, data?: string | string[] | null, context?: string | false): void {
    if (Array.isArray(data) || data == null) return super.send(code, data, context);
    if (data.startsWith(RAW)) return super.send(code, data.slice(RAW.length), false);
    if (data.startsWith(KEY)) return this.reply(data.slice(KEY.length) as EventKey);
    if (code === 250 && context === 'DATA_OK') return super.send(code, data, false);
    const t = translate(code, data, context);
    this.#ctx.trace?.(this.id, 'translated', `${code} ${data}`, t.key);
    this.reply(t.key, t.key === 'timeout' ? { duration: sessionDuration(Date.now() - this.#startedAt) } : undefined);
    if (t.close) this.close();
  }

  // No 100 ms "early talker" pause before the greeting (smtp-server's default): Exchange Online
  // greets at once, and load scripts measure sessions per second.
  override init(): void {
    this._setListeners(() => this.connectionReady());
  }

  override _sendGreeting(): void {
    this.#write(renderGreeting(this.renderContext()));
  }

  override handler_EHLO(command: Buffer, callback: Callback): void {
    const hostname = this.#heloName(command, callback);
    if (hostname === undefined) return;
    this.hostNameAppearsAs = hostname.toLowerCase();
    this.openingCommand = 'EHLO';
    this._resetSession();
    const caps = ehloCapabilities({
      size: this.#ctx.limits.smtpMaxMessageBytes,
      startTls: !this.secure,
      // AUTH is offered only inside TLS (reference §4.1).
      auth: this.secure || this.#ctx.limits.smtpAllowPlainAuth,
      mechanisms: ADVERTISED_MECHANISMS,
    });
    const first = render(EVENTS.ehlo, this.renderContext({ ip: this.remoteAddress }));
    super.send(250, [first.slice(4), ...caps], false);
    callback();
  }

  override handler_HELO(command: Buffer, callback: Callback): void {
    const hostname = this.#heloName(command, callback);
    if (hostname === undefined) return;
    this.hostNameAppearsAs = hostname.toLowerCase();
    this.openingCommand = 'HELO';
    this._resetSession();
    this.reply('helo', { ip: this.remoteAddress });
    callback();
  }

  #heloName(command: Buffer, callback: Callback): string | undefined {
    const parts = command.toString().trim().split(/\s+/);
    if (parts.length !== 2 || !HELO_NAME.test(parts[1])) {
      this.reply('invalidDomain');
      callback();
      return undefined;
    }
    return parts[1];
  }

  // Exchange asks for MAIL before RCPT is even considered; smtp-server would say "need RCPT".
  override handler_DATA(command: Buffer, callback: Callback): void {
    if (!this.session.envelope.mailFrom) return this.reply('needMail'), callback();
    super.handler_DATA(command, callback);
  }

  override handler_AUTH(command: Buffer, callback: Callback): void {
    const args = command.toString().trim().split(/\s+/).slice(1);
    // Exchange's sample uses lower case (`auth xoauth2`); mechanism names are case-insensitive (RFC 4954).
    const name = (args.shift() ?? '').toUpperCase();
    const mechanism = MECHANISMS.get(name);
    if (!this.secure && !this.#ctx.limits.smtpAllowPlainAuth) return this.reply('unrecognizedAuth'), callback();
    const protocol = (this._socket as TLSSocket).getProtocol?.();
    if (protocol && LEGACY_TLS.has(protocol)) {
      this.reply('legacyTls');
      this.close();
      return callback();
    }
    if (this.session.user) return this.reply('alreadyAuthenticated'), callback();
    if (!mechanism || (name === 'PLAIN' && this.#ctx.limits.smtpStrictMechanisms)) return this.reply('unrecognizedAuth'), callback();
    if (args.length > 1) return this.reply('invalidArguments'), callback();

    let finished = false;
    const finish = () => {
      if (!finished) (finished = true), callback();
    };
    mechanism(args[0], {
      prompt: (key, next) => {
        this._nextHandler = (line: Buffer, cb: Callback) => {
          callback = cb;
          finished = false;
          next(line.toString());
        };
        this.reply(key);
        finish();
      },
      fail: (key) => {
        this.reply(key);
        finish();
      },
      done: (credential) => {
        this.#authenticate(credential).then(finish, (error: unknown) => {
          this.#ctx.log.error({ proto: 'smtp', cid: this.id, err: error }, 'auth failed unexpectedly');
          this.reply('serverError');
          finish();
        });
      },
    });
  }

  async #authenticate(credential: Credential): Promise<void> {
    // SMTP has no user agent; the EHLO name is what tells one client app from another.
    const conn = { clientIp: this.remoteAddress, tls: this.secure, userAgent: this.hostNameAppearsAs ? `SMTP EHLO ${this.hostNameAppearsAs}` : undefined };
    const attempt =
      credential.kind === 'basic' ? basicAttempt('smtp', credential.username, credential.secret, conn) : oauthAttempt('smtp', credential.username, credential.token, conn);
    const decision = await this.#ctx.auth.decide(attempt);
    if (this._closing || this._closed) return;
    this.#ctx.log.info(
      {
        proto: 'smtp',
        cid: this.id,
        ip: this.remoteAddress,
        mech: credential.mechanism,
        tenant: decision.tenant?.name,
        user: credential.username,
        outcome: decision.outcome,
      },
      'auth',
    );
    if (decision.outcome !== 'ok' || !decision.mailbox) {
      this.reply(authReply(decision.outcome, credential.kind, this.#ctx.clock.now()));
      return;
    }
    const mailbox = decision.mailbox;
    if (!this.#ctx.mailboxSessions.acquire(mailbox.id)) {
      this.reply('concurrentLimit');
      return;
    }
    const user: SmtpSessionUser = {
      username: credential.username,
      mailboxId: mailbox.id,
      mailboxUpn: mailbox.upn,
      tenantId: decision.tenant!.id,
      signerId: decision.user?.id ?? null,
      appObjectId: decision.kind === 'oauth' && !decision.user ? (decision.appId ?? null) : null,
    };
    this.session.user = user as never;
    this.reply(authReply('ok', credential.kind, this.#ctx.clock.now()));
  }
}

function sessionDuration(ms: number): string {
  const total = ms / 1000;
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = (total % 60).toFixed(7).padStart(10, '0');
  return `${String(h).padStart(2, '0')}:${String(m).padStart(2, '0')}:${s}`;
}
