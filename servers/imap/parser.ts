// The IMAP command parser (RFC 3501 §9): a command's bytes (literals inline, as the line reader
// assembles them) become a tag, a name and a list of tokens. Commands then read their arguments
// from the tokens with the small typed readers below. A FETCH item such as
// `BODY.PEEK[HEADER.FIELDS (FROM TO)]<0.100>` is one atom: brackets swallow spaces and parens.

export type Token =
  | { kind: 'atom'; value: string }
  | { kind: 'string'; value: Buffer; literal: boolean }
  | { kind: 'list'; items: Token[] }
  | { kind: 'nil' };

export interface ParsedCommand {
  tag: string;
  /** Upper case; for UID commands, "UID" (the real command is the first argument). */
  name: string;
  args: Token[];
}

export class ParseError extends Error {
  constructor(
    message: string,
    /** Whether a tag could be read, so the error can be tagged. */
    readonly tag: string | null,
    /** A command byte outside US-ASCII (Exchange: `Command Error. 11`). */
    readonly nonAscii = false,
    /** Whether the command itself was unreadable (`Command Error. 12`) or only its arguments. */
    readonly inArguments = false,
  ) {
    super(message);
  }
}

const SP = 0x20;
const LPAREN = 0x28;
const RPAREN = 0x29;
const DQUOTE = 0x22;
const BACKSLASH = 0x5c;
const LBRACE = 0x7b;
const LBRACKET = 0x5b;
const RBRACKET = 0x5d;
/** Nesting deeper than this is refused: parenthesised lists cannot blow the stack. */
const MAX_DEPTH = 32;

function isAtomChar(b: number): boolean {
  // ATOM-CHAR: any CHAR except atom-specials ( ) { SP CTL % * " \ ]  — but % * ] are kept
  // (list wildcards, sequence sets, the closing bracket handled by the caller), and so is \,
  // which starts every system flag (flag = "\" atom).
  return b > 0x20 && b < 0x7f && b !== LPAREN && b !== RPAREN && b !== LBRACE && b !== DQUOTE;
}

class Reader {
  pos = 0;
  constructor(readonly buf: Buffer) {}

  get done(): boolean {
    return this.pos >= this.buf.length;
  }

  peek(): number {
    return this.buf[this.pos];
  }

  /** One space between tokens (RFC 3501 is strict; clients sending two are tolerated). */
  skipSpaces(): void {
    while (this.buf[this.pos] === SP) this.pos++;
  }

  atom(tagMode = false): string {
    const start = this.pos;
    let depth = 0;
    while (this.pos < this.buf.length) {
      const b = this.buf[this.pos];
      if (b === LBRACKET && !tagMode) {
        depth++;
      } else if (b === RBRACKET && depth > 0) {
        depth--;
      } else if (depth === 0 && (!isAtomChar(b) || (tagMode && b === 0x2b))) {
        break;
      } else if (depth > 0 && (b === 0x0d || b === 0x0a)) {
        break;
      }
      this.pos++;
    }
    if (depth !== 0) throw new ParseError('unbalanced brackets', null);
    if (this.pos === start) throw new ParseError('atom expected', null);
    return this.buf.subarray(start, this.pos).toString('latin1');
  }

  quoted(): Buffer {
    this.pos++; // opening quote
    const out: number[] = [];
    while (this.pos < this.buf.length) {
      const b = this.buf[this.pos++];
      if (b === DQUOTE) return Buffer.from(out);
      if (b === BACKSLASH) {
        const next = this.buf[this.pos++];
        if (next !== DQUOTE && next !== BACKSLASH) throw new ParseError('bad escape in quoted string', null);
        out.push(next);
      } else if (b === 0x0d || b === 0x0a) {
        throw new ParseError('line break in quoted string', null);
      } else out.push(b);
    }
    throw new ParseError('unterminated quoted string', null);
  }

  literal(): Buffer {
    const close = this.buf.indexOf(0x7d, this.pos);
    if (close < 0) throw new ParseError('bad literal', null);
    const spec = this.buf.subarray(this.pos + 1, close).toString('latin1');
    const m = /^(\d+)\+?$/.exec(spec);
    if (!m || this.buf[close + 1] !== 0x0d || this.buf[close + 2] !== 0x0a) throw new ParseError('bad literal', null);
    const size = Number(m[1]);
    const start = close + 3;
    if (start + size > this.buf.length) throw new ParseError('literal shorter than announced', null);
    this.pos = start + size;
    return this.buf.subarray(start, start + size);
  }

  token(depth: number): Token {
    const b = this.peek();
    if (b === LPAREN) {
      if (depth >= MAX_DEPTH) throw new ParseError('lists nested too deep', null);
      this.pos++;
      const items: Token[] = [];
      for (;;) {
        this.skipSpaces();
        if (this.done) throw new ParseError('unbalanced parentheses', null);
        if (this.peek() === RPAREN) {
          this.pos++;
          return { kind: 'list', items };
        }
        items.push(this.token(depth + 1));
      }
    }
    if (b === RPAREN) throw new ParseError('unbalanced parentheses', null);
    if (b === DQUOTE) return { kind: 'string', value: this.quoted(), literal: false };
    if (b === LBRACE) return { kind: 'string', value: this.literal(), literal: true };
    const atom = this.atom();
    return atom.toUpperCase() === 'NIL' ? { kind: 'nil' } : { kind: 'atom', value: atom };
  }
}

export function parseCommand(bytes: Buffer): ParsedCommand {
  // Command words are ASCII; 8-bit bytes belong only in literals and quoted strings.
  const r = new Reader(bytes);
  const firstSpace = bytes.indexOf(SP);
  if (hasHighByteBefore(bytes, firstSpace)) throw new ParseError('8-bit tag', null, true);
  let tag: string;
  try {
    tag = r.atom(true);
  } catch {
    throw new ParseError('no tag', null);
  }
  if (r.peek() !== SP) throw new ParseError('no command', tag);
  r.skipSpaces();
  const nameEnd = bytes.indexOf(SP, r.pos);
  if (hasHighByteBefore(bytes.subarray(r.pos), nameEnd < 0 ? -1 : nameEnd - r.pos)) throw new ParseError('8-bit command', tag, true);
  let name: string;
  try {
    name = r.atom().toUpperCase();
  } catch {
    throw new ParseError('no command', tag, hasHighByteBefore(bytes, bytes.length));
  }
  if (!/^[A-Z][A-Z0-9.-]*$/.test(name)) throw new ParseError('bad command', tag, /[^\x00-\x7f]/.test(name));
  const args: Token[] = [];
  try {
    for (;;) {
      if (r.done) break;
      if (r.peek() !== SP) throw new ParseError('space expected', tag);
      r.skipSpaces();
      if (r.done) break; // a trailing space: tolerated
      args.push(r.token(0));
    }
  } catch (error) {
    if (error instanceof ParseError) throw new ParseError(error.message, tag, error.nonAscii, true);
    throw error;
  }
  return { tag, name, args };
}

function hasHighByteBefore(bytes: Buffer, end: number): boolean {
  const stop = end < 0 ? bytes.length : end;
  for (let i = 0; i < stop; i++) if (bytes[i] > 0x7e) return true;
  return false;
}

// --- typed readers for command arguments ---

export class ArgumentError extends Error {}

/** An astring (atom, quoted or literal) as text. */
export function astring(token: Token | undefined, encoding: BufferEncoding = 'utf8'): string {
  if (!token) throw new ArgumentError('argument missing');
  if (token.kind === 'atom') return token.value;
  if (token.kind === 'string') return token.value.toString(encoding);
  throw new ArgumentError('string expected');
}

export function atomArg(token: Token | undefined): string {
  if (!token || token.kind !== 'atom') throw new ArgumentError('atom expected');
  return token.value;
}

export function listArg(token: Token | undefined): Token[] {
  if (!token || token.kind !== 'list') throw new ArgumentError('list expected');
  return token.items;
}

/** A mailbox name: astring; INBOX is case-insensitive (RFC 3501 §5.1). */
export function mailboxArg(token: Token | undefined): string {
  const name = astring(token);
  return name.toUpperCase() === 'INBOX' ? 'INBOX' : name;
}

export function exactly(args: Token[], n: number): void {
  if (args.length !== n) throw new ArgumentError(`${n} arguments expected`);
}

// --- sequence sets (RFC 3501 §9 "sequence-set") ---

export type SeqRange = [start: number, end: number];

/**
 * Parses `1:3,5,7:*` into ranges; `*` is the given largest value (the highest sequence number
 * or UID). Ranges are normalized so start <= end.
 */
export function parseSequenceSet(text: string, star: number): SeqRange[] | null {
  const ranges: SeqRange[] = [];
  for (const part of text.split(',')) {
    const m = /^(\d+|\*)(?::(\d+|\*))?$/.exec(part);
    if (!m) return null;
    const a = m[1] === '*' ? star : Number(m[1]);
    const b = m[2] === undefined ? a : m[2] === '*' ? star : Number(m[2]);
    if (!Number.isSafeInteger(a) || !Number.isSafeInteger(b) || a < 1 && m[1] !== '*' || b < 1 && m[2] !== '*' && m[2] !== undefined) return null;
    ranges.push(a <= b ? [a, b] : [b, a]);
  }
  return ranges;
}

export function inRanges(value: number, ranges: readonly SeqRange[]): boolean {
  for (const [a, b] of ranges) if (value >= a && value <= b) return true;
  return false;
}
