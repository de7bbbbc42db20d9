// The OData $filter subset Graph's signIns list accepts (reference §9.2): comparisons on
// createdDateTime (eq ne gt ge lt le, unquoted ISO literals), userPrincipalName / appId /
// appDisplayName (eq, startswith), clientAppUsed (eq), status/errorCode (eq, ne), joined with
// and / or and grouped with parentheses. Anything else is refused with the text Graph's OData
// layer gives (FILTER_ERRORS in signins-replies.ts).
import { FILTERABLE, type Comparison, type DateSpan, type SignInFilter } from '../../../core/signins/query.js';
import { FILTER_ERRORS } from './signins-replies.js';

/** A $filter longer or deeper than these is refused before any SQL (ask: Limits in core/config.ts). */
export const FILTER_MAX_CHARS = 4096;
export const FILTER_MAX_CLAUSES = 64;
export const FILTER_MAX_DEPTH = 16;

export class FilterError extends Error {}

const OPERATOR_KINDS: Record<Comparison, string> = { eq: 'Equal', ne: 'NotEqual', gt: 'GreaterThan', ge: 'GreaterThanOrEqual', lt: 'LessThan', le: 'LessThanOrEqual' };
const EDM = { datetime: 'Edm.DateTimeOffset', string: 'Edm.String', int: 'Edm.Int32' } as const;

type Token =
  | { type: 'word'; text: string; at: number }
  | { type: 'string'; text: string; at: number }
  | { type: 'date'; span: DateSpan; at: number }
  | { type: 'number'; value: number; at: number }
  | { type: '(' | ')' | ','; at: number }
  | { type: 'end'; at: number };

const DATE = /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(\.\d{1,7})?)?(Z|[+-]\d{2}:\d{2})?)?/i;

/** A datetime literal as the span of time it names, at its own precision. */
function dateSpan(text: string): DateSpan | null {
  const m = DATE.exec(text);
  if (!m || m[0].length !== text.length) return null;
  const [, , , , hh, mm, ss, fraction, zone] = m;
  if (hh !== undefined && zone === undefined) return null; // DateTimeOffset needs its offset
  const from = Date.parse(hh === undefined ? `${text}T00:00:00Z` : text.toUpperCase());
  if (Number.isNaN(from)) return null;
  const width = hh === undefined ? 86_400_000 : ss === undefined ? 60_000 : fraction ? 1 : 1000;
  return { from, to: from + width };
}

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    if (c === ' ' || c === '\t') {
      i++;
      continue;
    }
    const at = i;
    if (c === '(' || c === ')' || c === ',') {
      tokens.push({ type: c, at });
      i++;
    } else if (c === "'") {
      let value = '';
      i++;
      for (;;) {
        if (i >= text.length) throw new FilterError(FILTER_ERRORS.syntax(text.length, text));
        if (text[i] === "'") {
          if (text[i + 1] === "'") {
            value += "'";
            i += 2;
            continue;
          }
          i++;
          break;
        }
        value += text[i++];
      }
      tokens.push({ type: 'string', text: value, at });
    } else if (/[0-9-]/.test(c)) {
      const m = /^-?[0-9][0-9A-Za-z:.+-]*/.exec(text.slice(i));
      if (!m) throw new FilterError(FILTER_ERRORS.syntax(at, text));
      i += m[0].length;
      if (/^-?\d+$/.test(m[0])) tokens.push({ type: 'number', value: Number(m[0]), at });
      else {
        const span = dateSpan(m[0]);
        if (!span) throw new FilterError(FILTER_ERRORS.syntax(at, text));
        tokens.push({ type: 'date', span, at });
      }
    } else if (/[A-Za-z_]/.test(c)) {
      const m = /^[A-Za-z_][A-Za-z0-9_]*(?:\/[A-Za-z_][A-Za-z0-9_]*)*/.exec(text.slice(i))!;
      i += m[0].length;
      tokens.push({ type: 'word', text: m[0], at });
    } else throw new FilterError(FILTER_ERRORS.syntax(at, text));
  }
  tokens.push({ type: 'end', at: text.length });
  return tokens;
}

class Parser {
  #i = 0;
  #clauses = 0;
  constructor(
    readonly text: string,
    readonly tokens: Token[],
  ) {}

  get #peek(): Token {
    return this.tokens[this.#i];
  }

  #take(): Token {
    return this.tokens[this.#i++];
  }

  #keyword(word: string): boolean {
    const t = this.#peek;
    if (t.type === 'word' && t.text.toLowerCase() === word) {
      this.#i++;
      return true;
    }
    return false;
  }

  #expect(type: '(' | ')' | ','): void {
    const t = this.#take();
    if (t.type !== type) throw new FilterError(FILTER_ERRORS.syntax(t.at, this.text));
  }

  parse(): SignInFilter {
    const filter = this.#or(0);
    const rest = this.#peek;
    if (rest.type !== 'end') throw new FilterError(FILTER_ERRORS.syntax(rest.at, this.text));
    return filter;
  }

  #or(depth: number): SignInFilter {
    let left = this.#and(depth);
    while (this.#keyword('or')) left = { kind: 'or', left, right: this.#and(depth) };
    return left;
  }

  #and(depth: number): SignInFilter {
    let left = this.#primary(depth);
    while (this.#keyword('and')) left = { kind: 'and', left, right: this.#primary(depth) };
    return left;
  }

  #primary(depth: number): SignInFilter {
    if (++this.#clauses > FILTER_MAX_CLAUSES || depth > FILTER_MAX_DEPTH) throw new FilterError(FILTER_ERRORS.tooComplex());
    const t = this.#take();
    if (t.type === '(') {
      const inner = this.#or(depth + 1);
      this.#expect(')');
      return inner;
    }
    if (t.type === 'end') throw new FilterError(FILTER_ERRORS.expression(t.at, this.text));
    if (t.type !== 'word') throw new FilterError(FILTER_ERRORS.syntax(t.at, this.text));
    if (this.#peek.type === '(') return this.#function(t.text);
    return this.#comparison(t.text);
  }

  #property(name: string) {
    const path = Object.hasOwn(FILTERABLE, name) ? name : Object.keys(FILTERABLE).find((k) => k.toLowerCase() === name.toLowerCase());
    if (!path) throw new FilterError(FILTER_ERRORS.property(name.split('/').pop()!));
    return { property: FILTERABLE[path], path };
  }

  #function(name: string): SignInFilter {
    if (name.toLowerCase() !== 'startswith') throw new FilterError(FILTER_ERRORS.func(name));
    this.#expect('(');
    const target = this.#take();
    if (target.type !== 'word') throw new FilterError(FILTER_ERRORS.syntax(target.at, this.text));
    const { property, path } = this.#property(target.text);
    this.#expect(',');
    const value = this.#take();
    if (value.type !== 'string') throw new FilterError(FILTER_ERRORS.types(EDM[property.type], literalType(value), 'startswith'));
    this.#expect(')');
    if (!property.startsWith) throw new FilterError(FILTER_ERRORS.startsWith(path));
    return { kind: 'startsWith', property: path, value: value.text };
  }

  #comparison(name: string): SignInFilter {
    const { property, path } = this.#property(name);
    const op = this.#take();
    const comparison = op.type === 'word' ? (op.text.toLowerCase() as Comparison) : undefined;
    if (!comparison || !(comparison in OPERATOR_KINDS)) throw new FilterError(FILTER_ERRORS.syntax(op.at, this.text));
    const literal = this.#take();
    if (literal.type === 'end') throw new FilterError(FILTER_ERRORS.expression(literal.at, this.text));
    const expected = property.type === 'datetime' ? 'date' : property.type === 'int' ? 'number' : 'string';
    if (literal.type !== expected) {
      if (literal.type === '(' || literal.type === ')' || literal.type === ',' || literal.type === 'word') throw new FilterError(FILTER_ERRORS.syntax(literal.at, this.text));
      throw new FilterError(FILTER_ERRORS.types(EDM[property.type], literalType(literal), OPERATOR_KINDS[comparison]));
    }
    if (!property.comparisons.includes(comparison)) throw new FilterError(FILTER_ERRORS.operator(comparison, path));
    const value = literal.type === 'date' ? literal.span : literal.type === 'number' ? literal.value : literal.type === 'string' ? literal.text : '';
    return { kind: 'compare', property: path, comparison, value };
  }
}

function literalType(t: Token): string {
  return t.type === 'string' ? 'Edm.String' : t.type === 'number' ? 'Edm.Int32' : t.type === 'date' ? 'Edm.DateTimeOffset' : 'Edm.Untyped';
}

/** Parses a $filter; throws FilterError with Graph's message. */
export function parseSignInFilter(text: string): SignInFilter {
  if (text.length > FILTER_MAX_CHARS) throw new FilterError(FILTER_ERRORS.tooComplex());
  return new Parser(text, tokenize(text)).parse();
}
