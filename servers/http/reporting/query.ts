// The OData v2 query options the reports take: $filter (comparisons, and/or/not, parentheses,
// substringof/startswith/endswith/tolower/toupper), $select, $orderby, $top, $skip, $format.
// A parse error is a 400 with WCF Data Services' wording; nothing is ever evaluated as code.
import { ERRORS, type ODataError } from './replies.js';
import type { Report, Row, Value } from './reports.js';

export type Expr =
  | { kind: 'literal'; value: Value }
  | { kind: 'property'; name: string }
  | { kind: 'binary'; op: 'eq' | 'ne' | 'gt' | 'ge' | 'lt' | 'le' | 'and' | 'or'; left: Expr; right: Expr }
  | { kind: 'not'; operand: Expr }
  | { kind: 'call'; name: string; args: Expr[] };

export class QueryError extends Error {
  constructor(readonly error: ODataError) {
    super(error.message);
  }
}

const COMPARISONS = new Set(['eq', 'ne', 'gt', 'ge', 'lt', 'le']);
const FUNCTIONS: Record<string, number> = { substringof: 2, startswith: 2, endswith: 2, tolower: 1, toupper: 1 };

interface Token {
  kind: 'word' | 'string' | 'number' | 'typed' | 'punct';
  text: string;
  value?: Value;
  at: number;
}

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  const fail = (at: number) => new QueryError(ERRORS.syntax(at, text));
  while (i < text.length) {
    const c = text[i];
    if (c === ' ' || c === '\t') {
      i++;
      continue;
    }
    const at = i;
    if (c === '(' || c === ')' || c === ',') {
      tokens.push({ kind: 'punct', text: c, at });
      i++;
    } else if (c === "'") {
      const { value, end } = quoted(text, i, fail);
      tokens.push({ kind: 'string', text: value, value, at });
      i = end;
    } else if (/[-0-9]/.test(c)) {
      const m = /^-?\d+(\.\d+)?[LMDFlmdf]?/.exec(text.slice(i));
      if (!m) throw fail(at);
      tokens.push({ kind: 'number', text: m[0], value: Number.parseFloat(m[0]), at });
      i += m[0].length;
    } else if (/[A-Za-z_]/.test(c)) {
      const m = /^[A-Za-z_][A-Za-z0-9_]*/.exec(text.slice(i))!;
      i += m[0].length;
      const word = m[0];
      // Typed literals: datetime'...', guid'...', datetimeoffset'...'.
      if (text[i] === "'" && /^(datetime|datetimeoffset|guid)$/i.test(word)) {
        const { value, end } = quoted(text, i, fail);
        i = end;
        tokens.push({ kind: 'typed', text: word, value: typedLiteral(word.toLowerCase(), value, at, fail), at });
      } else tokens.push({ kind: 'word', text: word, at });
    } else throw fail(at);
  }
  return tokens;
}

function quoted(text: string, start: number, fail: (at: number) => QueryError): { value: string; end: number } {
  let value = '';
  let i = start + 1;
  for (;;) {
    if (i >= text.length) throw fail(start);
    if (text[i] === "'") {
      if (text[i + 1] === "'") {
        value += "'";
        i += 2;
        continue;
      }
      return { value, end: i + 1 };
    }
    value += text[i++];
  }
}

function typedLiteral(kind: string, value: string, at: number, fail: (at: number) => QueryError): Value {
  if (kind === 'guid') {
    if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(value)) throw fail(at);
    return value.toLowerCase();
  }
  // A datetime without a zone is UTC, as the service stores every date.
  const ms = Date.parse(/[zZ]|[+-]\d\d:?\d\d$/.test(value) ? value : `${value}Z`);
  if (!/^\d{4}-\d\d-\d\d/.test(value) || Number.isNaN(ms)) throw fail(at);
  return new Date(ms);
}

/** Parses a $filter against a report's properties. */
function parseFilter(text: string, report: Report): Expr {
  const tokens = tokenize(text);
  let pos = 0;
  const type = `TenantReporting.${report.name}`;
  const fail = (at?: number) => new QueryError(ERRORS.syntax(at ?? (tokens[pos]?.at ?? text.length), text));
  const peekWord = () => (tokens[pos]?.kind === 'word' ? tokens[pos].text.toLowerCase() : undefined);
  const expect = (punct: string) => {
    if (tokens[pos]?.kind !== 'punct' || tokens[pos].text !== punct) throw fail();
    pos++;
  };

  const or = (): Expr => {
    let left = and();
    while (peekWord() === 'or') {
      pos++;
      left = { kind: 'binary', op: 'or', left, right: and() };
    }
    return left;
  };
  const and = (): Expr => {
    let left = unary();
    while (peekWord() === 'and') {
      pos++;
      left = { kind: 'binary', op: 'and', left, right: unary() };
    }
    return left;
  };
  const unary = (): Expr => {
    if (peekWord() === 'not') {
      pos++;
      return { kind: 'not', operand: unary() };
    }
    const left = primary();
    const op = peekWord();
    if (op && COMPARISONS.has(op)) {
      pos++;
      return { kind: 'binary', op: op as 'eq', left, right: primary() };
    }
    return left;
  };
  const primary = (): Expr => {
    const token = tokens[pos];
    if (!token) throw fail();
    if (token.kind === 'punct' && token.text === '(') {
      pos++;
      const inner = or();
      expect(')');
      return inner;
    }
    if (token.kind === 'string' || token.kind === 'number' || token.kind === 'typed') {
      pos++;
      return { kind: 'literal', value: token.value ?? null };
    }
    if (token.kind !== 'word') throw fail();
    pos++;
    const lower = token.text.toLowerCase();
    if (lower === 'true' || lower === 'false') return { kind: 'literal', value: lower === 'true' };
    if (lower === 'null') return { kind: 'literal', value: null };
    if (tokens[pos]?.kind === 'punct' && tokens[pos].text === '(') {
      const arity = FUNCTIONS[lower];
      if (arity === undefined) throw fail(token.at);
      pos++;
      const args: Expr[] = [or()];
      while (tokens[pos]?.kind === 'punct' && tokens[pos].text === ',') {
        pos++;
        args.push(or());
      }
      expect(')');
      if (args.length !== arity) throw fail(token.at);
      return { kind: 'call', name: lower, args };
    }
    const property = report.properties.find((p) => p.name === token.text);
    if (!property) throw new QueryError(ERRORS.noProperty(token.text, type, token.at));
    return { kind: 'property', name: property.name };
  };

  if (!tokens.length) throw fail(0);
  const expr = or();
  if (pos !== tokens.length) throw fail();
  return expr;
}

/** Values compare as OData does; strings case-insensitively (choice: addresses and ids are case-insensitive in Exchange). */
function compare(a: Value, b: Value): number | null {
  if (a === null || b === null) return a === b ? 0 : null;
  if (a instanceof Date || b instanceof Date) {
    const x = a instanceof Date ? a.getTime() : Date.parse(String(a));
    const y = b instanceof Date ? b.getTime() : Date.parse(String(b));
    return Number.isNaN(x) || Number.isNaN(y) ? null : x - y;
  }
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  if (typeof a === 'boolean' && typeof b === 'boolean') return Number(a) - Number(b);
  const x = String(a).toLowerCase();
  const y = String(b).toLowerCase();
  return x < y ? -1 : x > y ? 1 : 0;
}

export function evaluate(expr: Expr, row: Row): Value {
  switch (expr.kind) {
    case 'literal':
      return expr.value;
    case 'property':
      return row[expr.name] ?? null;
    case 'not':
      return !truthy(evaluate(expr.operand, row));
    case 'call': {
      const args = expr.args.map((a) => evaluate(a, row));
      const s = (v: Value) => (v === null ? null : String(v instanceof Date ? v.toISOString() : v));
      const [a, b] = [s(args[0]), s(args[1] ?? null)];
      switch (expr.name) {
        case 'substringof':
          return a !== null && b !== null && b.toLowerCase().includes(a.toLowerCase());
        case 'startswith':
          return a !== null && b !== null && a.toLowerCase().startsWith(b.toLowerCase());
        case 'endswith':
          return a !== null && b !== null && a.toLowerCase().endsWith(b.toLowerCase());
        case 'tolower':
          return a?.toLowerCase() ?? null;
        default:
          return a?.toUpperCase() ?? null;
      }
    }
    case 'binary': {
      if (expr.op === 'and') return truthy(evaluate(expr.left, row)) && truthy(evaluate(expr.right, row));
      if (expr.op === 'or') return truthy(evaluate(expr.left, row)) || truthy(evaluate(expr.right, row));
      const c = compare(evaluate(expr.left, row), evaluate(expr.right, row));
      if (c === null) return expr.op === 'ne';
      return { eq: c === 0, ne: c !== 0, gt: c > 0, ge: c >= 0, lt: c < 0, le: c <= 0 }[expr.op];
    }
  }
}

const truthy = (v: Value) => v === true;

/**
 * The window a filter puts on StartDate and EndDate (MessageTrace's input fields): the bounds
 * named at the top level of an `and` chain.
 */
export function dateWindow(expr: Expr | null): { from?: Date; to?: Date } {
  const out: { from?: Date; to?: Date } = {};
  const visit = (e: Expr) => {
    if (e.kind !== 'binary') return;
    if (e.op === 'and') {
      visit(e.left);
      visit(e.right);
      return;
    }
    if (e.left.kind !== 'property' || e.right.kind !== 'literal' || !(e.right.value instanceof Date)) return;
    if (e.left.name === 'StartDate' && ['eq', 'ge', 'gt'].includes(e.op)) out.from = e.right.value;
    if (e.left.name === 'EndDate' && ['eq', 'le', 'lt'].includes(e.op)) out.to = e.right.value;
  };
  if (expr) visit(expr);
  return out;
}

export interface Options {
  filter: Expr | null;
  select: string[] | null;
  orderby: { name: string; desc: boolean }[];
  top: number | null;
  skip: number;
  format: 'atom' | 'json';
}

const KNOWN_OPTIONS = new Set(['$filter', '$select', '$orderby', '$top', '$skip', '$format', '$skiptoken', '$inlinecount', '$expand']);

/** The query options of a report request; `json` when $format or Accept asks for it. */
export function parseOptions(query: Record<string, unknown>, report: Report | null, accept: string | undefined): Options {
  const options: Options = { filter: null, select: null, orderby: [], top: null, skip: 0, format: 'atom' };
  const get = (name: string) => {
    const v = query[name];
    return typeof v === 'string' ? v : Array.isArray(v) && typeof v[0] === 'string' ? v[0] : undefined;
  };
  for (const key of Object.keys(query)) if (key.startsWith('$') && !KNOWN_OPTIONS.has(key)) throw new QueryError(ERRORS.unknownOption(key));
  const format = get('$format');
  if (format !== undefined) {
    if (/^json$|^application\/json/i.test(format)) options.format = 'json';
    else if (!/^(atom|xml|application\/atom\+xml|application\/xml)$/i.test(format)) throw new QueryError(ERRORS.unsupportedFormat());
  } else if (/application\/json/i.test(accept ?? '') && !/application\/(atom\+)?xml/i.test(accept ?? '')) options.format = 'json';
  const integer = (name: string) => {
    const v = get(name);
    if (v === undefined) return null;
    if (!/^\d{1,9}$/.test(v)) throw new QueryError(ERRORS.badInteger(name, v));
    return Number(v);
  };
  options.top = integer('$top');
  options.skip = integer('$skip') ?? 0;
  if (!report) return options;
  const type = `TenantReporting.${report.name}`;
  const property = (name: string, at: number) => {
    const found = report.properties.find((p) => p.name === name);
    if (!found) throw new QueryError(ERRORS.noProperty(name, type, at));
    return found.name;
  };
  const filter = get('$filter');
  if (filter !== undefined) options.filter = parseFilter(filter, report);
  const select = get('$select');
  if (select !== undefined && select.trim() !== '*') {
    let at = 0;
    options.select = select.split(',').map((part) => {
      const name = property(part.trim(), at);
      at += part.length + 1;
      return name;
    });
  }
  const orderby = get('$orderby');
  if (orderby !== undefined) {
    options.orderby = orderby.split(',').map((part) => {
      const [name = '', direction = 'asc', extra] = part.trim().split(/\s+/);
      if (extra !== undefined || !/^(asc|desc)$/i.test(direction)) throw new QueryError(ERRORS.syntax(orderby.indexOf(part), orderby));
      return { name: property(name, orderby.indexOf(part)), desc: direction.toLowerCase() === 'desc' };
    });
  }
  return options;
}

export function applyOrder(rows: Row[], orderby: Options['orderby']): Row[] {
  if (!orderby.length) return rows;
  return [...rows].sort((a, b) => {
    for (const { name, desc } of orderby) {
      const c = compare(a[name] ?? null, b[name] ?? null) ?? 0;
      if (c) return desc ? -c : c;
    }
    return 0;
  });
}
