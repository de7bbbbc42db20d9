// RFC 5322 address lists as ENVELOPE wants them (RFC 3501 §7.4.2): (name adl mailbox host),
// groups as a start marker, members and an end marker. Lenient, linear, never throwing: the
// value is tokenized once, then read left to right, and anything unreadable is skipped up to the
// next comma. Broken addresses follow Dovecot's message-address.c (FILL_MISSING): a missing
// mailbox or host is written MISSING_MAILBOX / MISSING_DOMAIN, so a NIL host keeps meaning
// "group syntax" to clients.
import { FieldCursor } from './fields.js';
import type { Address } from './types.js';

type Token =
  | { kind: 'word'; text: string; quoted: boolean }
  | { kind: 'literal'; text: string }
  | { kind: 'special'; char: string }
  | { kind: 'comment'; text: string };

const SPECIALS = new Set([',', ':', ';', '<', '>', '@']);
/** What ends an atom: blanks, the start of a comment, quoted string or domain literal, a special. */
const ATOM_END = new Set([' ', '\t', '\r', '\n', '(', '"', '[', ...SPECIALS]);

function tokenize(value: string): Token[] {
  const tokens: Token[] = [];
  const cursor = new FieldCursor(value);
  const s = value;
  while (!cursor.done) {
    const c = s[cursor.pos];
    if (c === ' ' || c === '\t' || c === '\r' || c === '\n') {
      cursor.pos++;
    } else if (c === '(') {
      tokens.push({ kind: 'comment', text: cursor.comment() });
    } else if (c === '"') {
      tokens.push({ kind: 'word', text: cursor.quoted(), quoted: true });
    } else if (c === '[') {
      const close = s.indexOf(']', cursor.pos);
      const end = close < 0 ? s.length : close + 1;
      tokens.push({ kind: 'literal', text: s.slice(cursor.pos, end) });
      cursor.pos = end;
    } else if (SPECIALS.has(c)) {
      tokens.push({ kind: 'special', char: c });
      cursor.pos++;
    } else {
      // An atom, dots included (dot-atoms and obs-phrase "Dr. Who" alike); stray `)`, `]`
      // and backslashes are taken as atom text rather than dropped.
      const start = cursor.pos;
      while (!cursor.done && !ATOM_END.has(s[cursor.pos])) cursor.pos++;
      tokens.push({ kind: 'word', text: s.slice(start, cursor.pos), quoted: false });
    }
  }
  return tokens;
}

class AddressReader {
  #i = 0;
  #comment: string | null = null;
  readonly out: Address[] = [];

  constructor(readonly tokens: Token[]) {}

  #peek(): Token | undefined {
    return this.tokens[this.#i];
  }

  #isSpecial(char: string): boolean {
    const t = this.tokens[this.#i];
    return t !== undefined && t.kind === 'special' && t.char === char;
  }

  /** Steps over comments, remembering the last one (a bare addr-spec takes it as its name). */
  #skipComments(): void {
    for (let t = this.#peek(); t?.kind === 'comment'; t = this.#peek()) {
      this.#comment = t.text;
      this.#i++;
    }
  }

  list(): Address[] | null {
    while (this.#i < this.tokens.length) {
      const t = this.tokens[this.#i];
      if (t.kind === 'comment' || (t.kind === 'special' && (t.char === ',' || t.char === ';'))) this.#i++;
      else this.#address(false);
    }
    return this.out.length ? this.out : null;
  }

  #address(inGroup: boolean): void {
    const start = this.#i;
    // Only a comment after the address's start names a bare addr-spec (Dovecot resets its
    // last comment there), so leading comments are passed over first.
    while (this.#peek()?.kind === 'comment') this.#i++;
    this.#comment = null;
    const words = this.#words();
    if (!inGroup && this.#isSpecial(':')) this.#group(words);
    else if (this.#isSpecial('<')) this.#angle(words);
    else if (this.#isSpecial('@')) this.#addrSpec(words);
    else this.#bare(words);
    // Whatever follows a complete address, up to the next separator, is junk.
    while (this.#i < this.tokens.length && !this.#isSpecial(',') && !(inGroup && this.#isSpecial(';'))) {
      const t = this.tokens[this.#i++];
      if (t.kind === 'comment') this.#comment = t.text;
    }
    if (this.#i === start) this.#i++;
  }

  /** Consecutive words (atoms and quoted strings), comments skipped. */
  #words(): { text: string; quoted: boolean }[] {
    const words: { text: string; quoted: boolean }[] = [];
    for (;;) {
      this.#skipComments();
      const t = this.#peek();
      if (t?.kind !== 'word') return words;
      words.push(t);
      this.#i++;
    }
  }

  #group(words: { text: string }[]): void {
    this.#i++; // ':'
    this.out.push({ name: null, adl: null, mailbox: words.map((w) => w.text).join(' '), host: null });
    while (this.#i < this.tokens.length) {
      const t = this.tokens[this.#i];
      if (t.kind === 'special' && t.char === ';') {
        this.#i++;
        break;
      }
      if (t.kind === 'comment' || (t.kind === 'special' && t.char === ',')) this.#i++;
      else this.#address(true);
    }
    this.out.push({ name: null, adl: null, mailbox: null, host: null });
  }

  /** `[phrase] "<" [route ":"] local-part "@" domain ">"`. */
  #angle(words: { text: string }[]): void {
    this.#i++; // '<'
    const name = words.map((w) => w.text).join(' ') || null;
    let adl: string | null = null;
    this.#skipComments();
    if (this.#isSpecial('@')) {
      const hops: string[] = [];
      while (this.#isSpecial('@')) {
        this.#i++;
        hops.push(`@${this.#domain() ?? ''}`);
        while (this.#isSpecial(',')) this.#i++;
        this.#skipComments();
      }
      if (this.#isSpecial(':')) this.#i++;
      adl = hops.join(',');
    }
    const mailbox = this.#localPart();
    let host: string | null = null;
    if (this.#isSpecial('@')) {
      this.#i++;
      host = this.#domain();
    }
    this.#skipComments();
    if (this.#isSpecial('>')) this.#i++;
    this.out.push(filled(name, adl, mailbox, host));
  }

  /** `local-part "@" domain`, named by a comment if it has one (`user@host (Real Name)`). */
  #addrSpec(words: { text: string }[]): void {
    this.#i++; // '@'
    const host = this.#domain();
    this.#skipComments();
    this.out.push(filled(this.#comment, null, words.length ? words.map((w) => w.text).join('') : null, host));
  }

  /** Words with no `@` or `<` after them: one plain word is a mailbox without a host, more is a name. */
  #bare(words: { text: string; quoted: boolean }[]): void {
    if (!words.length) return;
    if (words.length === 1 && !words[0].quoted) this.out.push(filled(this.#comment, null, words[0].text, null));
    else this.out.push(filled(words.map((w) => w.text).join(' '), null, null, null));
  }

  /** Words joined without blanks (obs-local-part `john . doe` is `john.doe`); null if there are none. */
  #localPart(): string | null {
    const words = this.#words();
    return words.length ? words.map((w) => w.text).join('') : null;
  }

  /** A domain: atoms and domain literals joined; null if there is none. */
  #domain(): string | null {
    let text: string | null = null;
    for (;;) {
      this.#skipComments();
      const t = this.#peek();
      if (t?.kind !== 'word' && t?.kind !== 'literal') return text;
      text = (text ?? '') + t.text;
      this.#i++;
    }
  }
}

function filled(name: string | null, adl: string | null, mailbox: string | null, host: string | null): Address {
  return { name: name || null, adl, mailbox: mailbox ?? 'MISSING_MAILBOX', host: host || 'MISSING_DOMAIN' };
}

/** Parses an unfolded address-list header value; null when it holds no address. */
export function parseAddressList(value: string): Address[] | null {
  return new AddressReader(tokenize(value)).list();
}
