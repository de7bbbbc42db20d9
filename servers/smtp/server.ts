// The SMTP submission listeners: STARTTLS (Exchange Online's 587) and implicit TLS (465, which
// Exchange Online lacks but many clients try). Sessions are ExoSmtpConnection; this file wires
// smtp-server's envelope hooks to the mail store and enforces the per-address and per-mailbox
// connection limits.
import type { Socket } from 'node:net';
import type { Readable } from 'node:stream';
import { SMTPServer, type SMTPServerAddress, type SMTPServerOptions, type SMTPServerSession } from 'smtp-server';
import { maySendAs, parseHeaders, submitMessage, type Sender } from '../../core/mail/submission.js';
import { ExoSmtpConnection } from './connection.js';
import type { SmtpContext, SmtpSessionUser } from './context.js';
import { EVENTS, render, type EventKey } from './replies.js';
import { KEY, RAW } from './translate.js';

export interface SmtpListenerOptions {
  host: string;
  port: number;
  /** Implicit TLS (the smtps port) rather than STARTTLS. */
  implicitTls: boolean;
  key: string;
  cert: string;
}

export interface SmtpListener {
  readonly port: number;
  readonly connections: number;
  close(): Promise<void>;
}

class SmtpError extends Error {
  constructor(
    readonly responseCode: number,
    message: string,
  ) {
    super(message);
  }
}

/** An error whose reply exogate rendered itself. */
function rendered(connection: ExoSmtpConnection | undefined, key: EventKey, vars?: Record<string, string>): SmtpError {
  const reply = EVENTS[key];
  if (!connection) return new SmtpError(reply.code, KEY + key);
  const line = render(reply, connection.renderContext(vars));
  return new SmtpError(reply.code, RAW + line.slice(4));
}

class ExoSmtpServer extends SMTPServer {
  readonly sessions = new Map<string, ExoSmtpConnection>();

  constructor(
    options: SMTPServerOptions,
    readonly ctx: SmtpContext,
  ) {
    super(options);
  }

  override connect(socket: Socket, socketOptions: ConstructorParameters<typeof ExoSmtpConnection>[2]): void {
    const connection = new ExoSmtpConnection(this, socket, socketOptions, this.ctx);
    this.connections.add(connection);
    this.sessions.set(connection.id, connection);
    connection.on('error', (err: Error) => this.ctx.log.debug({ proto: 'smtp', cid: connection.id, err: err.message }, 'connection error'));
    connection.on('connect', () => undefined);
    connection.init();
  }
}

const sessionUser = (session: SMTPServerSession) => session.user as unknown as SmtpSessionUser | undefined;

export async function startSmtpListener(ctx: SmtpContext, options: SmtpListenerOptions): Promise<SmtpListener> {
  const { limits, directory, mail, clock, log } = ctx;
  let server!: ExoSmtpServer;
  const connectionOf = (session: SMTPServerSession) => server.sessions.get(session.id);
  const counted = new Set<string>();

  const senderOf = (session: SMTPServerSession): Sender | undefined => {
    const user = sessionUser(session);
    const tenant = user && directory.tenant(user.tenantId);
    const mailbox = user && directory.userById(user.mailboxId);
    if (!user || !tenant || !mailbox) return undefined;
    return { tenant, mailbox, trustee: user.signerId ?? user.appObjectId ?? mailbox.id };
  };

  const smtpOptions: SMTPServerOptions = {
    secure: options.implicitTls,
    key: options.key,
    cert: options.cert,
    // TLS 1.0/1.1 clients may connect so that they can be told 421 4.7.66, as Exchange does (§1).
    minVersion: 'TLSv1',
    ciphers: 'DEFAULT:@SECLEVEL=0',
    name: 'exogate',
    logger: false,
    disableReverseLookup: true,
    hideENHANCEDSTATUSCODES: true,
    hideDSN: false,
    hideREQUIRETLS: true,
    size: limits.smtpMaxMessageBytes,
    maxCommandLength: limits.smtpMaxCommandBytes,
    socketTimeout: limits.smtpIdleTimeoutMs,
    closeTimeout: limits.shutdownGraceMs,
    authMethods: ['LOGIN', 'XOAUTH2', 'PLAIN'],
    authOptional: false,
    authRequiredMessage: KEY + 'notAuthenticated',
    maxAllowedUnauthenticatedCommands: false as unknown as number,
    disabledCommands: ['HELP', 'VRFY', 'EXPN', 'WIZ', 'SHELL', 'KILL', 'XCLIENT', 'XFORWARD', 'LHLO'],

    onConnect(session, callback) {
      counted.add(session.id);
      if (!ctx.ipConnections.acquire(session.remoteAddress)) {
        counted.delete(session.id);
        return callback(rendered(connectionOf(session), 'tooManyConnections'));
      }
      callback();
    },

    onClose(session) {
      if (counted.delete(session.id)) ctx.ipConnections.release(session.remoteAddress);
      const user = sessionUser(session);
      if (user) ctx.mailboxSessions.release(user.mailboxId);
      server.sessions.delete(session.id);
    },

    onMailFrom(address: SMTPServerAddress, session, callback) {
      const sender = senderOf(session);
      if (!sender) return callback(rendered(connectionOf(session), 'notAuthenticated'));
      if (!maySendAs(sender, address.address, directory)) return callback(rendered(connectionOf(session), 'sendAsDenied'));
      const declared = Number(address.args && (address.args as Record<string, string>).SIZE);
      if (declared > limits.smtpMaxMessageBytes) return callback(rendered(connectionOf(session), 'messageTooBig'));
      callback();
    },

    onRcptTo(_address, session, callback) {
      if (session.envelope.rcptTo.length >= limits.smtpMaxRecipients) return callback(rendered(connectionOf(session), 'tooManyRecipients'));
      callback();
    },

    onData(stream: Readable & { sizeExceeded?: boolean }, session, callback) {
      const chunks: Buffer[] = [];
      let size = 0;
      stream.on('data', (chunk: Buffer) => {
        size += chunk.length;
        // Past the limit the rest is drained, not kept: memory stays bounded.
        if (size <= limits.smtpMaxMessageBytes) chunks.push(chunk);
      });
      stream.on('error', () => undefined);
      stream.on('end', () => {
        const connection = connectionOf(session);
        if (stream.sizeExceeded || size > limits.smtpMaxMessageBytes) return callback(rendered(connection, 'messageTooBig'));
        const sender = senderOf(session);
        if (!sender) return callback(rendered(connection, 'notAuthenticated'));
        const message = Buffer.concat(chunks);
        const headerFrom = parseHeaders(message).from;
        if (headerFrom && !maySendAs(sender, headerFrom, directory)) {
          return callback(rendered(connection, 'sendAsDeniedData', { user: sender.mailbox.upn, from: headerFrom }));
        }
        const fe = connection?.frontEnd;
        const at = new Date(clock.now());
        const received = `Received: from ${session.hostNameAppearsAs || 'unknown'} (${session.remoteAddress}) by ${fe?.fqdn ?? 'localhost'} with Microsoft SMTP Server (version=${session.secure ? 'TLS1_2' : 'None'}) id 15.20.8000.0 via Frontend Transport; ${at.toUTCString().replace('GMT', '+0000')}\r\n`;
        submitMessage(
          { directory, mail },
          {
            sender,
            mailFrom: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
            rcptTo: session.envelope.rcptTo.map((r) => r.address),
            message,
            at,
            messageIdHost: fe?.backend ?? 'exogate.local',
            traceHeader: received,
          },
        ).then(
          (done) => {
            log.info({ proto: 'smtp', cid: session.id, tenant: sender.tenant.name, user: sender.mailbox.upn, rcpts: session.envelope.rcptTo.length, delivered: done.delivered, captured: done.captured, bytes: message.length }, 'submitted');
            const line = connection ? render(EVENTS.queued, connection.renderContext({ messageId: done.messageId })) : `250 2.0.0 OK <${done.messageId}>`;
            callback(null, line.slice(4));
          },
          (err: unknown) => {
            log.error({ proto: 'smtp', cid: session.id, err }, 'delivery failed');
            callback(rendered(connection, 'serverError'));
          },
        );
      });
    },
  };

  server = new ExoSmtpServer(smtpOptions, ctx);
  server.on('error', (err: Error) => log.warn({ proto: 'smtp', err: err.message }, 'smtp server error'));
  await new Promise<void>((resolve, reject) => {
    server.server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.server.off('error', reject);
      resolve();
    });
  });
  const address = server.server.address();
  return {
    port: typeof address === 'object' && address ? address.port : options.port,
    get connections() {
      return server.connections.size;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
