// A raw SMTP client over net/tls for byte-exact tests: it reads whole replies (multi-line
// until "NNN "), sends lines as given, and upgrades with STARTTLS trusting the gateway's CA.
import { WireSocket, type OpenOptions } from './wire-socket.js';

export class SmtpWire extends WireSocket {
  static async open(port: number, options: OpenOptions = {}): Promise<SmtpWire> {
    return new SmtpWire(await WireSocket.connect(port, options));
  }

  /** The next whole reply, lines joined with CRLF (without the final CRLF). */
  reply(timeoutMs = 10_000): Promise<string> {
    return this.until(() => {
      const m = /^(?:\d{3}-[^\r\n]*\r\n)*\d{3}(?: [^\r\n]*)?\r\n/.exec(this.buffer);
      if (!m) return undefined;
      this.buffer = this.buffer.slice(m[0].length);
      return m[0].slice(0, -2);
    }, timeoutMs);
  }

  async command(line: string): Promise<string> {
    this.send(line);
    return this.reply();
  }

  starttls(ca: string): Promise<void> {
    return this.upgrade(ca);
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
