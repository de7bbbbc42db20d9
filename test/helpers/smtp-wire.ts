// A raw SMTP client over net/tls for byte-exact tests: it reads whole replies (multi-line
// until "NNN "), sends lines as given, and upgrades with STARTTLS trusting the gateway's CA.
import { connect as netConnect, type Socket } from 'node:net';
import { connect as tlsConnect, type TLSSocket } from 'node:tls';

export class SmtpWire {
  #socket: Socket | TLSSocket;
  #buffer = '';
  #waiters: (() => void)[] = [];
  closed = false;

  private constructor(socket: Socket | TLSSocket) {
    this.#socket = socket;
    this.#attach(socket);
  }

  static async open(port: number, options: { tls?: boolean; ca?: string; host?: string; tlsOptions?: object } = {}): Promise<SmtpWire> {
    const host = options.host ?? '127.0.0.1';
    const socket = options.tls
      ? tlsConnect({ host, port, ca: options.ca, servername: 'localhost', ...options.tlsOptions })
      : netConnect({ host, port });
    await new Promise<void>((resolve, reject) => {
      socket.once(options.tls ? 'secureConnect' : 'connect', () => resolve());
      socket.once('error', reject);
    });
    return new SmtpWire(socket);
  }

  #attach(socket: Socket): void {
    socket.setEncoding('latin1');
    socket.on('data', (chunk: string) => {
      this.#buffer += chunk;
      this.#wake();
    });
    socket.on('close', () => {
      this.closed = true;
      this.#wake();
    });
    socket.on('error', () => undefined);
  }

  #wake(): void {
    for (const w of this.#waiters.splice(0)) w();
  }

  /** The next whole reply, lines joined with CRLF (without the final CRLF). */
  async reply(timeoutMs = 10_000): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const m = /^(?:\d{3}-[^\r\n]*\r\n)*\d{3}(?: [^\r\n]*)?\r\n/.exec(this.#buffer);
      if (m) {
        this.#buffer = this.#buffer.slice(m[0].length);
        return m[0].slice(0, -2);
      }
      if (this.closed) throw new Error(`connection closed; unread: ${JSON.stringify(this.#buffer)}`);
      if (Date.now() > deadline) throw new Error(`no reply within ${timeoutMs} ms; unread: ${JSON.stringify(this.#buffer)}`);
      await new Promise<void>((resolve) => {
        this.#waiters.push(resolve);
        setTimeout(resolve, 50).unref();
      });
    }
  }

  send(line: string): void {
    this.#socket.write(`${line}\r\n`, 'latin1');
  }

  write(raw: string | Buffer): void {
    this.#socket.write(raw);
  }

  async command(line: string): Promise<string> {
    this.send(line);
    return this.reply();
  }

  async starttls(ca: string): Promise<void> {
    const plain = this.#socket;
    plain.removeAllListeners('data');
    plain.removeAllListeners('close');
    const secure = tlsConnect({ socket: plain, ca, servername: 'localhost' });
    await new Promise<void>((resolve, reject) => {
      secure.once('secureConnect', () => resolve());
      secure.once('error', reject);
    });
    this.#socket = secure;
    this.#buffer = '';
    this.#attach(secure);
  }

  /** Waits until the server closes the connection. */
  async closedByServer(timeoutMs = 5000): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    while (!this.closed && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    return this.closed;
  }

  end(): void {
    this.#socket.destroy();
  }
}

/** Connect, read the greeting, EHLO, STARTTLS, EHLO again: ready for AUTH. */
export async function readyForAuth(port: number, ca: string): Promise<SmtpWire> {
  const wire = await SmtpWire.open(port);
  await wire.reply();
  await wire.command('EHLO client.example');
  const ready = await wire.command('STARTTLS');
  if (!ready.startsWith('220')) throw new Error(`STARTTLS refused: ${ready}`);
  await wire.starttls(ca);
  await wire.command('EHLO client.example');
  return wire;
}

export const b64 = (s: string) => Buffer.from(s, 'utf8').toString('base64');
export const plain = (user: string, pass: string) => b64(`\0${user}\0${pass}`);
