// The line reader shared by IMAP and POP3: it turns a byte stream into whole commands with hard
// limits. A command is one CRLF-terminated line, or for IMAP several lines joined by literals
// (`{n}` / `{n+}` at the end of a line announces n raw bytes that follow). Nothing here grows
// without bound: a line longer than its limit, or a literal larger than its limit, is reported
// and skipped, never buffered.

export interface LineReaderLimits {
  /** Longest line, literals excluded. */
  maxLineBytes: number;
  /** Largest literal of an ordinary command. */
  maxLiteralBytes: number;
  /** Largest literal when the command is one of `largeLiteralCommands` (IMAP APPEND). */
  maxLargeLiteralBytes: number;
  /** Whether `{n}` literals are part of the protocol at all (IMAP yes, POP3 no). */
  literals: boolean;
  /** Upper-case command names whose literals may be large. */
  largeLiteralCommands?: readonly string[];
}

export interface LineReaderEvents {
  /** A whole command: its bytes with literals inline (`{n}\r\n` + n bytes), CRLF stripped. */
  command(bytes: Buffer): void;
  /** A synchronizing literal was announced: the server must say "+ ..." before the client goes on. */
  continuation(): void;
  /** The line (or the literal) went over its limit; the reader skips to the end of it. */
  tooLong(what: 'line' | 'literal', firstLine: string): void;
}

const CR = 0x0d;
const LF = 0x0a;
const LITERAL = /\{(\d{1,12})(\+?)\}$/;

export class LineReader {
  #pending: Buffer[] = [];
  #pendingBytes = 0;
  /** Parts of a command already complete (lines and literals), while its literals arrive. */
  #parts: Buffer[] = [];
  #partsBytes = 0;
  /** Bytes of a literal still to come, or -1 when reading lines. */
  #literalLeft = -1;
  /** Discarding until the end of an over-long line (or the rest of an over-long literal). */
  #skipping: 'line' | 'literal' | null = null;
  #paused = false;

  constructor(
    readonly limits: LineReaderLimits,
    readonly on: LineReaderEvents,
  ) {}

  /** Stop emitting commands (e.g. while a command is being answered); bytes keep being buffered. */
  pause(): void {
    this.#paused = true;
  }

  resume(): void {
    this.#paused = false;
    this.#drain();
  }

  /** Buffered bytes not yet part of a command (for STARTTLS: anything here is plaintext injection). */
  get buffered(): number {
    return this.#pendingBytes;
  }

  /** Drops whatever is buffered (after STARTTLS, RFC 3207/2595: no plaintext carries over). */
  reset(): void {
    this.#pending = [];
    this.#pendingBytes = 0;
    this.#parts = [];
    this.#partsBytes = 0;
    this.#literalLeft = -1;
    this.#skipping = null;
  }

  push(chunk: Buffer): void {
    this.#pending.push(chunk);
    this.#pendingBytes += chunk.length;
    this.#drain();
  }

  #take(n: number): Buffer {
    const whole = this.#pending.length === 1 ? this.#pending[0] : Buffer.concat(this.#pending, this.#pendingBytes);
    const taken = whole.subarray(0, n);
    const rest = whole.subarray(n);
    this.#pending = rest.length ? [rest] : [];
    this.#pendingBytes = rest.length;
    return taken;
  }

  #indexOfLf(): number {
    let offset = 0;
    for (const chunk of this.#pending) {
      const i = chunk.indexOf(LF);
      if (i >= 0) return offset + i;
      offset += chunk.length;
    }
    return -1;
  }

  #drain(): void {
    while (!this.#paused && this.#pendingBytes > 0) {
      if (this.#literalLeft >= 0) {
        const n = Math.min(this.#literalLeft, this.#pendingBytes);
        const bytes = this.#take(n);
        this.#literalLeft -= n;
        if (this.#skipping !== 'literal') {
          this.#parts.push(bytes);
          this.#partsBytes += n;
        }
        if (this.#literalLeft === 0) this.#literalLeft = -1;
        continue;
      }
      const lf = this.#indexOfLf();
      if (lf < 0) {
        // No end of line yet: refuse to hold more than a line's worth.
        if (this.#pendingBytes > this.limits.maxLineBytes && !this.#skipping) {
          const first = this.#take(Math.min(this.#pendingBytes, 64)).toString('latin1');
          this.#take(this.#pendingBytes);
          this.#skipping = 'line';
          this.#parts = [];
          this.#partsBytes = 0;
          this.on.tooLong('line', first);
        } else if (this.#skipping === 'line') this.#take(this.#pendingBytes);
        return;
      }
      let line = this.#take(lf + 1);
      line = line.subarray(0, line.length - (line.length >= 2 && line[line.length - 2] === CR ? 2 : 1));
      if (this.#skipping) {
        // The end of the over-long line, or a line of the command whose literal was refused:
        // a further non-synchronizing literal of that command arrives regardless and is skipped.
        const next = this.#skipping === 'literal' ? this.#literalAnnounced(line) : null;
        this.#skipping = null;
        if (next?.nonSync) {
          this.#skipping = 'literal';
          this.#literalLeft = next.size || -1;
        }
        continue;
      }
      if (line.length > this.limits.maxLineBytes) {
        this.#parts = [];
        this.#partsBytes = 0;
        this.on.tooLong('line', line.subarray(0, 64).toString('latin1'));
        continue;
      }
      const literal = this.limits.literals ? this.#literalAnnounced(line) : null;
      if (literal === null) {
        const command = this.#parts.length ? Buffer.concat([...this.#parts, line], this.#partsBytes + line.length) : line;
        this.#parts = [];
        this.#partsBytes = 0;
        this.on.command(command);
        continue;
      }
      const first = this.#parts.length ? this.#parts[0] : line;
      if (literal.size > this.#maxLiteralFor(first)) {
        // Refused: a synchronizing literal never gets its "+", so the client sends nothing
        // (RFC 3501 §7.5); a non-synchronizing one arrives anyway and is skipped.
        this.#parts = [];
        this.#partsBytes = 0;
        this.on.tooLong('literal', first.subarray(0, 64).toString('latin1'));
        if (literal.nonSync) {
          this.#skipping = 'literal';
          this.#literalLeft = literal.size || -1;
        }
        continue;
      }
      this.#parts.push(line, Buffer.from('\r\n'));
      this.#partsBytes += line.length + 2;
      this.#literalLeft = literal.size;
      if (literal.size === 0) this.#literalLeft = -1;
      if (!literal.nonSync) this.on.continuation();
    }
  }

  #literalAnnounced(line: Buffer): { size: number; nonSync: boolean } | null {
    if (line.length < 3 || line[line.length - 1] !== 0x7d /* } */) return null;
    const m = LITERAL.exec(line.subarray(Math.max(0, line.length - 16)).toString('latin1'));
    return m ? { size: Number(m[1]), nonSync: m[2] === '+' } : null;
  }

  #maxLiteralFor(firstLine: Buffer): number {
    const large = this.limits.largeLiteralCommands;
    if (large?.length) {
      // "<tag> APPEND ..." or "<tag> UID ..." — the command is the second word.
      const words = firstLine.subarray(0, 64).toString('latin1').split(' ');
      if (words[1] && large.includes(words[1].toUpperCase())) return this.limits.maxLargeLiteralBytes;
    }
    return this.limits.maxLiteralBytes;
  }
}
