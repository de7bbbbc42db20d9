// A minimal line-protocol client for load generation: it reads whole replies (SMTP multi-line
// "NNN-" ... "NNN "), writes lines, and can upgrade to TLS. Deliberately lean: the load tool
// must cost less than the server it measures.
import { connect as netConnect, type Socket } from 'node:net';
import { connect as tlsConnect, type ConnectionOptions, type TLSSocket } from 'node:tls';

export interface TlsResume {
  session?: Buffer;
}

export class LineClient {
  #socket: Socket | TLSSocket;
  #buffer = '';
  #waiter: ((line: string) => void) | null = null;
  #failed: ((error: Error) => void) | null = null;
  #error: Error | null = null;
  #lineWaiter: (() => void) | null = null;

  private constructor(socket: Socket | TLSSocket) {
    this.#socket = socket;
    this.#listen(socket);
  }

  /**
   * `resume`: a TLS session shared by the connections of one load run. Each connection offers the
   * last ticket the server gave, as mail clients that resume sessions do.
   */
  static connect(port: number, host: string, tls?: ConnectionOptions, resume?: TlsResume): Promise<LineClient> {
    return new Promise((resolve, reject) => {
      const socket = tls ? tlsConnect({ port, host, ...tls, ...(resume?.session ? { session: resume.session } : {}) }) : netConnect({ port, host });
      if (tls && resume) socket.on('session', (session: Buffer) => (resume.session = session));
      socket.setNoDelay(true);
      const ready = () => {
        socket.off('error', reject);
        resolve(new LineClient(socket));
      };
      socket.once(tls ? 'secureConnect' : 'connect', ready);
      socket.once('error', reject);
    });
  }

  #listen(socket: Socket): void {
    socket.setEncoding('latin1');
    socket.on('data', (chunk: string) => {
      this.#buffer += chunk;
      if (this.#lineWaiter) this.#lineWaiter();
      else this.#drain();
    });
    const fail = (error: Error) => {
      this.#error = error;
      this.#failed?.(error);
    };
    socket.on('error', fail);
    socket.on('close', () => fail(new Error('connection closed')));
  }

  #drain(): void {
    if (!this.#waiter) return;
    // A whole SMTP reply ends with a line whose fourth character is a space (or a bare code).
    let start = 0;
    for (;;) {
      const nl = this.#buffer.indexOf('\n', start);
      if (nl < 0) return;
      const line = this.#buffer.slice(start, nl);
      if (line.length < 4 || line[3] !== '-') {
        const reply = this.#buffer.slice(0, nl).replace(/\r$/, '');
        this.#buffer = this.#buffer.slice(nl + 1);
        const waiter = this.#waiter;
        this.#waiter = null;
        this.#failed = null;
        waiter(reply);
        return;
      }
      start = nl + 1;
    }
  }

  /** The next line, whatever it is (IMAP, POP3). */
  line(): Promise<string> {
    if (this.#error) return Promise.reject(this.#error);
    return new Promise((resolve, reject) => {
      const take = () => {
        const nl = this.#buffer.indexOf('\n');
        if (nl < 0) return false;
        const line = this.#buffer.slice(0, nl).replace(/\r$/, '');
        this.#buffer = this.#buffer.slice(nl + 1);
        resolve(line);
        return true;
      };
      if (take()) return;
      this.#lineWaiter = () => {
        if (take()) this.#lineWaiter = null;
      };
      this.#failed = reject;
    });
  }

  /** Lines until one starts with `tag `; returns that one. */
  async tagged(tag: string): Promise<string> {
    for (;;) {
      const line = await this.line();
      if (line.startsWith(`${tag} `)) return line;
    }
  }

  write(text: string): void {
    this.#socket.write(text);
  }

  /** The next whole reply (its last line's code starts it; lines joined by "\n"). */
  reply(): Promise<string> {
    if (this.#error) return Promise.reject(this.#error);
    return new Promise((resolve, reject) => {
      this.#waiter = resolve;
      this.#failed = reject;
      this.#drain();
    });
  }

  send(line: string): Promise<string> {
    this.#socket.write(`${line}\r\n`);
    return this.reply();
  }

  async starttls(tls: ConnectionOptions, resume?: TlsResume): Promise<void> {
    const plain = this.#socket;
    plain.removeAllListeners('data');
    plain.removeAllListeners('close');
    plain.removeAllListeners('error');
    this.#buffer = '';
    const secure = tlsConnect({ socket: plain, ...tls, ...(resume?.session ? { session: resume.session } : {}) });
    if (resume) secure.on('session', (session: Buffer) => (resume.session = session));
    await new Promise<void>((resolve, reject) => {
      secure.once('secureConnect', () => resolve());
      secure.once('error', reject);
    });
    this.#socket = secure;
    this.#listen(secure);
  }

  close(): void {
    this.#socket.destroy();
  }
}

/** The reply's final line (what a load run counts by its exact text). */
export function lastLine(reply: string): string {
  const nl = reply.lastIndexOf('\n');
  return nl < 0 ? reply : reply.slice(nl + 1);
}
