// What the raw test clients (SMTP, IMAP, POP3) share: a plain or TLS socket, a latin1 buffer
// (one character per byte, so literals and 8-bit text count right), waiting for what a
// protocol reader can take, STARTTLS-style upgrades trusting the gateway's CA, and noticing
// when the server hangs up.
import { connect as netConnect, type Socket } from 'node:net';
import { connect as tlsConnect, type TLSSocket } from 'node:tls';

export interface OpenOptions {
  tls?: boolean;
  ca?: string;
  host?: string;
  /** Extra TLS options (e.g. an old protocol version). */
  tlsOptions?: object;
}

export class WireSocket {
  protected buffer = '';
  closed = false;
  #socket: Socket | TLSSocket;
  #waiters: (() => void)[] = [];

  protected constructor(socket: Socket | TLSSocket) {
    this.#socket = socket;
    this.#attach(socket);
  }

  protected static async connect(port: number, options: OpenOptions = {}): Promise<Socket | TLSSocket> {
    const host = options.host ?? '127.0.0.1';
    const socket = options.tls ? tlsConnect({ host, port, ca: options.ca, servername: 'localhost', ...options.tlsOptions }) : netConnect({ host, port });
    await new Promise<void>((resolve, reject) => {
      socket.once(options.tls ? 'secureConnect' : 'connect', () => resolve());
      socket.once('error', reject);
    });
    return socket;
  }

  #attach(socket: Socket): void {
    socket.setEncoding('latin1');
    socket.on('data', (chunk: string) => {
      this.buffer += chunk;
      for (const w of this.#waiters.splice(0)) w();
    });
    socket.on('close', () => {
      this.closed = true;
      for (const w of this.#waiters.splice(0)) w();
    });
    socket.on('error', () => undefined);
  }

  /** Waits until `take` finds what it wants in the buffer (it removes what it takes). */
  protected async until<T>(take: () => T | undefined, timeoutMs: number): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const got = take();
      if (got !== undefined) return got;
      if (this.closed) throw new Error(`connection closed; unread: ${JSON.stringify(this.buffer.slice(0, 500))}`);
      if (Date.now() > deadline) throw new Error(`nothing within ${timeoutMs} ms; unread: ${JSON.stringify(this.buffer.slice(0, 500))}`);
      await new Promise<void>((resolve) => {
        this.#waiters.push(resolve);
        setTimeout(resolve, 50).unref();
      });
    }
  }

  /** One CRLF-terminated line from the buffer, without its CRLF. */
  protected takeLine(): string | undefined {
    const end = this.buffer.indexOf('\r\n');
    if (end < 0) return undefined;
    const line = this.buffer.slice(0, end);
    this.buffer = this.buffer.slice(end + 2);
    return line;
  }

  send(line: string): void {
    this.#socket.write(`${line}\r\n`, 'latin1');
  }

  write(raw: string | Buffer): void {
    this.#socket.write(raw);
  }

  /** STARTTLS / STLS: the same connection, now TLS (anything unread is dropped, as servers do). */
  async upgrade(ca: string): Promise<void> {
    const plain = this.#socket;
    plain.removeAllListeners('data');
    plain.removeAllListeners('close');
    const secure = tlsConnect({ socket: plain, ca, servername: 'localhost' });
    await new Promise<void>((resolve, reject) => {
      secure.once('secureConnect', () => resolve());
      secure.once('error', reject);
    });
    this.#socket = secure;
    this.buffer = '';
    this.#attach(secure);
  }

  /** Waits until the server closes the connection. */
  async closedByServer(timeoutMs = 5000): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    while (!this.closed && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    return this.closed;
  }

  /** Whatever arrived and was not read yet. */
  get unread(): string {
    return this.buffer;
  }

  end(): void {
    this.#socket.destroy();
  }
}
