// What IMAP and POP3 sessions share: a socket that may start plain and become TLS (STARTTLS /
// STLS) or be TLS from the start, a LineReader with hard limits, an idle timer that is shorter
// before sign-in, a command-rate limiter, and an orderly close. A protocol subclass supplies the
// words; this class never decides anything about authentication.
import type { Socket } from 'node:net';
import { TLSSocket, type SecureContext } from 'node:tls';
import { LineReader, type LineReaderLimits } from './line-reader.js';

export interface WireLimits {
  reader: LineReaderLimits;
  /** Idle timeout before sign-in. */
  preAuthIdleMs: number;
  /** Idle timeout after sign-in. */
  idleMs: number;
  /** Commands per second a session may sustain, and the burst above it, before it is throttled. */
  commandsPerSecond: number;
  commandBurst: number;
}

/** The client's address, an IPv4-mapped IPv6 one written as IPv4. */
export function clientAddress(socket: Socket): string {
  return (socket.remoteAddress ?? '').replace(/^::ffff:/, '');
}

let nextId = 1;

export abstract class WireConnection {
  readonly id = (nextId++).toString(36);
  socket: Socket;
  secure: boolean;
  readonly remoteAddress: string;
  readonly reader: LineReader;
  closed = false;
  #authenticated = false;
  #tokens: number;
  #refilledAt = Date.now();
  #upgrading = false;
  #corked: Socket | null = null;

  constructor(
    socket: Socket,
    secure: boolean,
    readonly limits: WireLimits,
  ) {
    this.socket = socket;
    this.secure = secure;
    this.remoteAddress = clientAddress(socket);
    this.#tokens = limits.commandBurst;
    this.reader = new LineReader(limits.reader, {
      command: (bytes) => this.#onCommand(bytes),
      continuation: () => this.onContinuation(),
      tooLong: (what, first) => this.onTooLong(what, first),
    });
    this.#attach(socket);
    socket.setNoDelay(true);
    socket.setTimeout(limits.preAuthIdleMs);
  }

  // --- for subclasses ---

  /** A whole command arrived (reading is paused until the returned promise settles). */
  protected abstract onCommand(bytes: Buffer): void | Promise<void>;
  /** A synchronizing literal was announced. */
  protected abstract onContinuation(): void;
  protected abstract onTooLong(what: 'line' | 'literal', firstLine: string): void;
  /** The idle timer fired: say goodbye (the connection is then closed). */
  protected abstract onIdle(): void;
  /** More commands than the rate allows: say so (the connection is then closed). */
  protected abstract onThrottled(backoffMs: number): void;
  /** The gateway is shutting down. */
  abstract onShutdown(): void;
  /** The socket is gone (client hung up, error, or close()). */
  protected onClosed(): void {}

  /**
   * Lines written in one turn of the event loop leave in one system call (and, under TLS, one
   * record): a LOGOUT's BYE and OK, a FETCH's untagged lines and its completion.
   */
  write(text: string | Buffer): void {
    if (this.closed || this.#upgrading || this.socket.destroyed) return;
    if (!this.#corked) {
      this.#corked = this.socket;
      this.#corked.cork();
      process.nextTick(() => this.#uncork());
    }
    this.socket.write(text);
  }

  #uncork(): void {
    const corked = this.#corked;
    this.#corked = null;
    corked?.uncork();
  }

  /** After sign-in the idle timeout is the longer one. */
  markAuthenticated(): void {
    if (this.#authenticated) return;
    this.#authenticated = true;
    this.socket.setTimeout(this.limits.idleMs);
  }

  /** Ends the session after what was written has been sent. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.reader.pause();
    this.socket.end();
    // A client that never reads would keep the socket half-open; don't wait for it forever.
    setTimeout(() => this.socket.destroy(), 2000).unref();
  }

  destroy(): void {
    this.closed = true;
    this.socket.destroy();
  }

  /**
   * STARTTLS / STLS: the reply has been written in plaintext; everything after is TLS. Bytes the
   * client pipelined behind the command are dropped (RFC 2595 §3.1, no plaintext injection).
   */
  startTls(context: SecureContext): Promise<void> {
    const plain = this.socket;
    // The STARTTLS reply leaves in plaintext, before the handshake takes the socket over.
    this.#uncork();
    this.#upgrading = true;
    this.reader.reset();
    plain.removeAllListeners('data');
    plain.removeAllListeners('timeout');
    const secure = new TLSSocket(plain, { isServer: true, secureContext: context });
    return new Promise((resolve) => {
      secure.once('secure', () => {
        this.socket = secure;
        this.secure = true;
        this.#upgrading = false;
        this.#attach(secure);
        secure.setTimeout(this.#authenticated ? this.limits.idleMs : this.limits.preAuthIdleMs);
        resolve();
      });
      secure.once('error', () => {
        this.#upgrading = false;
        this.destroy();
        resolve();
      });
    });
  }

  // --- internals ---

  #attach(socket: Socket): void {
    socket.on('data', (chunk: Buffer) => {
      if (!this.closed) this.reader.push(chunk);
    });
    socket.on('timeout', () => {
      if (this.closed) return;
      this.onIdle();
      this.close();
    });
    socket.on('error', () => undefined);
    socket.once('close', () => {
      if (socket !== this.socket) return; // the plain socket under a TLS one
      this.closed = true;
      this.onClosed();
    });
  }

  #onCommand(bytes: Buffer): void {
    if (this.closed) return;
    if (!this.#takeToken()) {
      this.onThrottled(Math.ceil(1000 / this.limits.commandsPerSecond) * this.limits.commandBurst);
      this.close();
      return;
    }
    const result = this.onCommand(bytes);
    if (result instanceof Promise) {
      // One command at a time: the next waits until this one is answered.
      this.reader.pause();
      result.then(
        () => !this.closed && this.reader.resume(),
        () => this.destroy(),
      );
    }
  }

  /** A token bucket: `commandsPerSecond` refill, `commandBurst` capacity. */
  #takeToken(): boolean {
    const now = Date.now();
    const refill = ((now - this.#refilledAt) / 1000) * this.limits.commandsPerSecond;
    if (refill > 0) {
      this.#tokens = Math.min(this.limits.commandBurst, this.#tokens + refill);
      this.#refilledAt = now;
    }
    if (this.#tokens < 1) return false;
    this.#tokens -= 1;
    return true;
  }
}
