// SEARCH and UID SEARCH (RFC 3501 §6.4.4): the common keys — flags, dates, sizes, sequence and
// UID sets, header and text searches, NOT, OR and parenthesised groups. Text keys read message
// bytes in batches; the others read only what SELECT loaded.
import type { ImapConnection } from '../connection.js';
import { parseImapDate } from '../format.js';
import { ArgumentError, astring, inRanges, parseSequenceSet, type Token } from '../parser.js';
import { completed, TEXTS } from '../replies.js';
import type { SelectedFolder } from '../selected.js';

const CONTENT_BATCH = 50;
/** Exchange answers only these charsets; anything else is BADCHARSET (reference §2.5). */
const CHARSETS = new Set(['US-ASCII', 'UTF-8']);

interface Candidate {
  seq: number;
  uid: number;
  flags: string[];
  size: number;
  date: Date;
  body?: Buffer;
}

type Predicate = (m: Candidate) => boolean;

class UnsupportedCharset extends Error {}

const DAY = 86_400_000;
const dayOf = (d: Date) => Math.floor(d.getTime() / DAY);

function flagKey(flag: string, present: boolean): Predicate {
  const lower = flag.toLowerCase();
  return (m) => m.flags.some((f) => f.toLowerCase() === lower) === present;
}

/** The unfolded values of a header field in the message's header block. */
function headerValues(body: Buffer, name: string): string[] {
  let end = body.indexOf('\r\n\r\n');
  if (end < 0) end = body.indexOf('\n\n');
  const head = body.subarray(0, end < 0 ? body.length : end).toString('latin1').replace(/\r?\n[ \t]+/g, ' ');
  const wanted = `${name.toLowerCase()}:`;
  return head
    .split(/\r?\n/)
    .filter((line) => line.toLowerCase().startsWith(wanted))
    .map((line) => line.slice(wanted.length).trim());
}

function contains(haystack: string, needle: string): boolean {
  return haystack.toLowerCase().includes(needle.toLowerCase());
}

function sentDate(m: Candidate): Date | null {
  const value = headerValues(m.body!, 'Date')[0];
  const ms = value ? Date.parse(value) : NaN;
  return Number.isNaN(ms) ? null : new Date(ms);
}

class KeyParser {
  i = 0;
  needsContent = false;

  constructor(
    readonly tokens: Token[],
    readonly selected: SelectedFolder,
  ) {}

  #next(): Token {
    const t = this.tokens[this.i++];
    if (!t) throw new ArgumentError('search key missing');
    return t;
  }

  #string(): string {
    return astring(this.#next());
  }

  #number(): number {
    const n = Number(astring(this.#next()));
    if (!Number.isSafeInteger(n) || n < 0) throw new ArgumentError('number expected');
    return n;
  }

  #date(): Date {
    const d = parseImapDate(astring(this.#next()), false);
    if (!d) throw new ArgumentError('date expected');
    return d;
  }

  all(): Predicate {
    const keys: Predicate[] = [];
    while (this.i < this.tokens.length) keys.push(this.key());
    if (!keys.length) throw new ArgumentError('search key missing');
    return (m) => keys.every((k) => k(m));
  }

  key(): Predicate {
    const token = this.#next();
    if (token.kind === 'list') {
      const inner = new KeyParser(token.items, this.selected);
      const p = inner.all();
      this.needsContent ||= inner.needsContent;
      return p;
    }
    if (token.kind !== 'atom') throw new ArgumentError('search key expected');
    const word = token.value.toUpperCase();
    const text = (fields: string[]) => {
      const needle = this.#string();
      this.needsContent = true;
      return (m: Candidate) => fields.some((f) => headerValues(m.body!, f).some((v) => contains(v, needle)));
    };
    switch (word) {
      case 'ALL':
        return () => true;
      case 'ANSWERED':
      case 'DELETED':
      case 'DRAFT':
      case 'FLAGGED':
      case 'SEEN':
        return flagKey(`\\${word}`, true);
      case 'UNANSWERED':
      case 'UNDELETED':
      case 'UNDRAFT':
      case 'UNFLAGGED':
      case 'UNSEEN':
        return flagKey(`\\${word.slice(2)}`, false);
      case 'NEW':
      case 'RECENT':
        return () => false; // exogate keeps no \Recent (SELECT reports 0 RECENT)
      case 'OLD':
        return () => true;
      case 'KEYWORD':
        return flagKey(this.#string(), true);
      case 'UNKEYWORD':
        return flagKey(this.#string(), false);
      case 'BEFORE': {
        const d = dayOf(this.#date());
        return (m) => dayOf(m.date) < d;
      }
      case 'ON': {
        const d = dayOf(this.#date());
        return (m) => dayOf(m.date) === d;
      }
      case 'SINCE': {
        const d = dayOf(this.#date());
        return (m) => dayOf(m.date) >= d;
      }
      case 'SENTBEFORE':
      case 'SENTON':
      case 'SENTSINCE': {
        const d = dayOf(this.#date());
        this.needsContent = true;
        return (m) => {
          const sent = sentDate(m);
          if (!sent) return false;
          const s = dayOf(sent);
          return word === 'SENTBEFORE' ? s < d : word === 'SENTON' ? s === d : s >= d;
        };
      }
      case 'LARGER': {
        const n = this.#number();
        return (m) => m.size > n;
      }
      case 'SMALLER': {
        const n = this.#number();
        return (m) => m.size < n;
      }
      case 'FROM':
      case 'TO':
      case 'CC':
      case 'BCC':
      case 'SUBJECT':
        return text([word]);
      case 'HEADER': {
        const field = this.#string();
        const needle = this.#string();
        this.needsContent = true;
        return (m) => headerValues(m.body!, field).some((v) => contains(v, needle));
      }
      case 'BODY':
      case 'TEXT': {
        const needle = this.#string().toLowerCase();
        this.needsContent = true;
        return (m) => {
          const raw = m.body!;
          let start = 0;
          if (word === 'BODY') {
            const end = raw.indexOf('\r\n\r\n');
            start = end < 0 ? raw.length : end + 4;
          }
          return raw.subarray(start).toString('latin1').toLowerCase().includes(needle);
        };
      }
      case 'UID': {
        const set = astring(this.#next());
        const n = this.selected.uids.length;
        const ranges = parseSequenceSet(set, n ? this.selected.uids[n - 1] : 0);
        if (!ranges) throw new ArgumentError('bad UID set');
        return (m) => inRanges(m.uid, ranges);
      }
      case 'NOT': {
        const inner = this.key();
        return (m) => !inner(m);
      }
      case 'OR': {
        const a = this.key();
        const b = this.key();
        return (m) => a(m) || b(m);
      }
      default: {
        // A bare sequence set.
        const ranges = parseSequenceSet(token.value, this.selected.uids.length);
        if (!ranges) throw new ArgumentError(`unknown search key ${token.value}`);
        return (m) => inRanges(m.seq, ranges);
      }
    }
  }
}

export async function search(c: ImapConnection, tag: string, args: Token[], byUid: boolean): Promise<void> {
  const selected = c.selected!;
  let tokens = args;
  try {
    if (tokens[0]?.kind === 'atom' && tokens[0].value.toUpperCase() === 'CHARSET') {
      const charset = astring(tokens[1]).toUpperCase();
      if (!CHARSETS.has(charset)) throw new UnsupportedCharset();
      tokens = tokens.slice(2);
    }
  } catch (error) {
    if (error instanceof UnsupportedCharset) return c.tagged(tag, 'NO', TEXTS.badCharset.text);
    throw error;
  }
  const parser = new KeyParser(tokens, selected);
  const matches = parser.all();
  const candidates: Candidate[] = selected.uids.map((uid, i) => ({ seq: i + 1, uid, flags: selected.flags[i], size: selected.sizes[i], date: selected.dates[i] }));
  const found: number[] = [];
  for (let start = 0; start < candidates.length; start += CONTENT_BATCH) {
    const batch = candidates.slice(start, start + CONTENT_BATCH);
    if (parser.needsContent) {
      const contents = await c.ctx.mail.contents(selected.folderId, batch.map((m) => m.uid));
      for (const m of batch) m.body = contents.get(m.uid)?.body;
    }
    for (const m of batch) {
      if (parser.needsContent && !m.body) continue;
      if (matches(m)) found.push(byUid ? m.uid : m.seq);
    }
  }
  c.untagged(`SEARCH${found.length ? ` ${found.join(' ')}` : ''}`);
  await c.beforeCompletion(byUid ? 'UID SEARCH' : 'SEARCH');
  c.tagged(tag, 'OK', completed('SEARCH'));
}
