// A raw IMAP client for byte-exact tests: it sends lines as given and reads untagged lines,
// continuation requests and literals, until the tagged response of a command.
import { connect as netConnect, type Socket } from 'node:net';
import { connect as tlsConnect, type TLSSocket } from 'node:tls';

export class ImapWire {
  #socket: Socket | TLSSocket;
  #buffer = Buffer.alloc(0);
  #wake: (() => void) | null = null;
  closed = false;

  private constructor(socket: Socket | TLSSocket) {
    this.#socket = socket;
    this.#attach(socket);
  }

  static async open(port: number, options: { tls?: boolean; ca?: string } = {}): Promise<ImapWire> {
    const socket = options.tls ? tlsConnect({ host: '127.0.0.1', port, ca: options.ca, servername: 'localhost' }) : netConnect({ host: '127.0.0.1', port });
    await new Promise<void>((resolve, reject) => {
      socket.once(options.tls ? 'secureConnect' : 'connect', () => resolve());
      socket.once('error', reject);
    });
    return new ImapWire(socket);
  }

  #attach(socket: Socket): void {
    socket.on('data', (chunk: Buffer) => {
      this.#buffer = Buffer.concat([this.#buffer, chunk]);
      this.#wake?.();
    });
    socket.on('close', () => {
      this.closed = true;
      this.#wake?.();
    });
    socket.on('error', () => undefined);
  }

  async #waitFor(test: () => boolean, timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!test()) {
      if (this.closed) throw new Error(`connection closed; unread: ${JSON.stringify(this.#buffer.toString('latin1'))}`);
      if (Date.now() > deadline) throw new Error(`timed out; unread: ${JSON.stringify(this.#buffer.toString('latin1'))}`);
      await new Promise<void>((resolve) => {
        this.#wake = resolve;
        setTimeout(resolve, 50).unref();
      });
    }
  }

  /** One response line, with any literal it announces inlined (`{n}\r\n` + bytes kept as text). */
  async line(timeoutMs = 10_000): Promise<string> {
    let out = '';
    for (;;) {
      await this.#waitFor(() => this.#buffer.includes('\r\n'), timeoutMs);
      const end = this.#buffer.indexOf('\r\n');
      const text = this.#buffer.subarray(0, end).toString('latin1');
      this.#buffer = this.#buffer.subarray(end + 2);
      out += text;
      const literal = /\{(\d+)\}$/.exec(text);
      if (!literal) return out;
      const size = Number(literal[1]);
      await this.#waitFor(() => this.#buffer.length >= size, timeoutMs);
      out += `\r\n${this.#buffer.subarray(0, size).toString('latin1')}`;
      this.#buffer = this.#buffer.subarray(size);
    }
  }

  send(text: string | Buffer): void {
    this.#socket.write(typeof text === 'string' ? `${text}\r\n` : text);
  }

  /** Sends `<tag> <text>` and returns every line up to and including the tagged one. */
  async command(tag: string, text: string, timeoutMs = 10_000): Promise<string[]> {
    this.send(`${tag} ${text}`);
    return this.until(tag, timeoutMs);
  }

  async until(tag: string, timeoutMs = 10_000): Promise<string[]> {
    const lines: string[] = [];
    for (;;) {
      const line = await this.line(timeoutMs);
      lines.push(line);
      if (line.startsWith(`${tag} `)) return lines;
    }
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
    this.#buffer = Buffer.alloc(0);
    this.#attach(secure);
  }

  async closedByServer(timeoutMs = 5000): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    while (!this.closed && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    return this.closed;
  }

  end(): void {
    this.#socket.destroy();
  }
}

/** Connects over implicit TLS and reads the greeting. */
export async function imapsSession(port: number, ca: string): Promise<{ wire: ImapWire; greeting: string }> {
  const wire = await ImapWire.open(port, { tls: true, ca });
  return { wire, greeting: await wire.line() };
}
