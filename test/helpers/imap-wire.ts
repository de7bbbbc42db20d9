// A raw IMAP client for byte-exact tests: it sends lines as given and reads untagged lines,
// continuation requests and literals, until the tagged response of a command.
import { WireSocket, type OpenOptions } from './wire-socket.js';

export class ImapWire extends WireSocket {
  static async open(port: number, options: OpenOptions = {}): Promise<ImapWire> {
    return new ImapWire(await WireSocket.connect(port, options));
  }

  /** One response line, with any literal it announces inlined (`{n}\r\n` + bytes kept as text). */
  line(timeoutMs = 10_000): Promise<string> {
    return this.until(() => {
      let at = 0;
      for (;;) {
        const end = this.buffer.indexOf('\r\n', at);
        if (end < 0) return undefined;
        const literal = /\{(\d+)\}$/.exec(this.buffer.slice(at, end));
        if (!literal) {
          const line = this.buffer.slice(0, end);
          this.buffer = this.buffer.slice(end + 2);
          return line;
        }
        const next = end + 2 + Number(literal[1]);
        if (this.buffer.length < next) return undefined;
        at = next;
      }
    }, timeoutMs);
  }

  /** Sends `<tag> <text>` and returns every line up to and including the tagged one. */
  async command(tag: string, text: string, timeoutMs = 10_000): Promise<string[]> {
    this.send(`${tag} ${text}`);
    return this.until(tag, timeoutMs);
  }

  override async until<T>(take: () => T | undefined, timeoutMs: number): Promise<T>;
  override async until(tag: string, timeoutMs?: number): Promise<string[]>;
  override async until<T>(tagOrTake: string | (() => T | undefined), timeoutMs = 10_000): Promise<T | string[]> {
    if (typeof tagOrTake === 'function') return super.until(tagOrTake, timeoutMs);
    const lines: string[] = [];
    for (;;) {
      const line = await this.line(timeoutMs);
      lines.push(line);
      if (line.startsWith(`${tagOrTake} `)) return lines;
    }
  }

  starttls(ca: string): Promise<void> {
    return this.upgrade(ca);
  }
}

/** Connects over implicit TLS and reads the greeting. */
export async function imapsSession(port: number, ca: string): Promise<{ wire: ImapWire; greeting: string }> {
  const wire = await ImapWire.open(port, { tls: true, ca });
  return { wire, greeting: await wire.line() };
}
