// The structured Content-* fields (RFC 2045 §5.1, RFC 2183, RFC 3282): a small cursor over
// the unfolded value, lenient where real mail is sloppy, and never throwing: what cannot be
// read is left out, and the caller applies RFC 2045's defaults.
import { asciiLower, CR, LF } from './bytes.js';
import type { Disposition, Param } from './types.js';

const SP = 0x20;
const TAB = 0x09;
const DQUOTE = 0x22;
const LPAREN = 0x28;
const RPAREN = 0x29;
const BACKSLASH = 0x5c;
const SEMICOLON = 0x3b;
const SLASH = 0x2f;
const EQUALS = 0x3d;
const COMMA = 0x2c;

/** RFC 2045 tspecials, which end a token. */
const TSPECIALS = new Set([...'()<>@,;:\\"/[]?='].map((c) => c.charCodeAt(0)));

function isTokenChar(c: number): boolean {
  // 8-bit bytes are let into tokens: unquoted 8-bit filenames are common enough.
  return c > SP && c !== 0x7f && !TSPECIALS.has(c);
}

export class FieldCursor {
  pos = 0;
  constructor(readonly s: string) {}

  get done(): boolean {
    return this.pos >= this.s.length;
  }

  peek(): number {
    return this.s.charCodeAt(this.pos);
  }

  /** Skips blanks, line breaks and (nested) comments; returns the text of the last comment seen, if any. */
  skipCfws(): string | null {
    let comment: string | null = null;
    for (;;) {
      const c = this.peek();
      if (c === SP || c === TAB || c === CR || c === LF) this.pos++;
      else if (c === LPAREN) comment = this.comment();
      else return comment;
    }
  }

  /** A comment's text without its outer parentheses; an unterminated one runs to the end. */
  comment(): string {
    let depth = 0;
    let text = '';
    while (!this.done) {
      const c = this.peek();
      this.pos++;
      if (c === BACKSLASH && !this.done) {
        text += this.s[this.pos++];
        continue;
      }
      if (c === LPAREN && depth++ === 0) continue;
      if (c === RPAREN && --depth === 0) break;
      text += String.fromCharCode(c);
    }
    return text;
  }

  token(): string {
    const start = this.pos;
    while (!this.done && isTokenChar(this.peek())) this.pos++;
    return this.s.slice(start, this.pos);
  }

  /** A quoted-string's content, unescaped; the cursor is on the opening quote. */
  quoted(): string {
    this.pos++;
    let text = '';
    while (!this.done) {
      const c = this.peek();
      this.pos++;
      if (c === DQUOTE) break;
      if (c === BACKSLASH && !this.done) text += this.s[this.pos++];
      else text += String.fromCharCode(c);
    }
    return text;
  }

  /**
   * A parameter value: a quoted-string, or (leniently) everything up to `;` or a blank, since
   * unquoted values with tspecials such as `boundary=----=_NextPart_000` are common.
   */
  value(): string {
    if (this.peek() === DQUOTE) return this.quoted();
    const start = this.pos;
    while (!this.done) {
      const c = this.peek();
      if (c === SEMICOLON || c <= SP || c === 0x7f) break;
      this.pos++;
    }
    return this.s.slice(start, this.pos);
  }

  /** `*(";" attribute "=" value)`, skipping what cannot be read; attributes without a value are dropped. */
  params(): Param[] {
    const params: Param[] = [];
    while (!this.done) {
      this.skipCfws();
      if (this.done) break;
      if (this.peek() === SEMICOLON) {
        this.pos++;
        continue;
      }
      const attribute = this.token();
      if (!attribute) {
        this.pos++; // a stray character: step over it so the loop always advances
        continue;
      }
      this.skipCfws();
      if (this.peek() !== EQUALS) continue;
      this.pos++;
      this.skipCfws();
      params.push([attribute, this.value()]);
    }
    return params;
  }
}

export interface ContentType {
  type: string;
  subtype: string;
  params: Param[];
}

/** `type "/" subtype *(";" parameter)`; null when type or subtype is missing (the caller defaults, RFC 2045 §5.2). */
export function parseContentType(value: string): ContentType | null {
  const cursor = new FieldCursor(value);
  cursor.skipCfws();
  const type = cursor.token();
  cursor.skipCfws();
  if (!type || cursor.peek() !== SLASH) return null;
  cursor.pos++;
  cursor.skipCfws();
  const subtype = cursor.token();
  if (!subtype) return null;
  return { type: asciiLower(type), subtype: asciiLower(subtype), params: cursor.params() };
}

export function parseDisposition(value: string): Disposition | null {
  const cursor = new FieldCursor(value);
  cursor.skipCfws();
  const type = cursor.token();
  return type ? { type: asciiLower(type), params: cursor.params() } : null;
}

/** A single token, nothing else (as Dovecot: `base64 junk` or `?invalid` count as absent). */
export function parseEncoding(value: string): string | null {
  const cursor = new FieldCursor(value);
  cursor.skipCfws();
  const token = cursor.token();
  cursor.skipCfws();
  return token && cursor.done ? asciiLower(token) : null;
}

/** `1#language-tag` (RFC 3282), read up to the first thing that is not a tag. */
export function parseLanguage(value: string): string[] | null {
  const cursor = new FieldCursor(value);
  const tags: string[] = [];
  for (;;) {
    cursor.skipCfws();
    const tag = cursor.token();
    if (!tag) break;
    tags.push(tag);
    cursor.skipCfws();
    if (cursor.peek() !== COMMA) break;
    cursor.pos++;
  }
  return tags.length ? tags : null;
}
