// The slice of OData $filter that Graph's service-communications lists accept (reference §9.4):
// comparisons of one property with a literal (eq ne gt ge lt le), `any` over a string collection
// (`services/any(s:s eq 'Exchange Online')`), joined by `and`. Anything else is refused, as Graph
// refuses clauses it does not support, rather than silently ignored.

export type Row = Record<string, unknown>;
export type Predicate = (row: Row) => boolean;

export class FilterError extends Error {}

type Literal = string | number | boolean | null;

const COMPARE = /^([A-Za-z][\w/]*)\s+(eq|ne|gt|ge|lt|le)\s+(.+)$/;
const ANY = /^([A-Za-z]\w*)\/any\((\w+):\s*\2\s+eq\s+('(?:[^']|'')*')\)$/;
const ISO = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2}))?$/;

function literal(text: string): Literal {
  const s = text.trim();
  if (/^'(?:[^']|'')*'$/.test(s)) return s.slice(1, -1).replace(/''/g, "'");
  if (s === 'true' || s === 'false') return s === 'true';
  if (s === 'null') return null;
  if (ISO.test(s)) return s;
  if (/^-?\d+(\.\d+)?$/.test(s)) return Number(s);
  throw new FilterError(`Invalid filter clause: the literal ${s} is not supported.`);
}

/** Splits on ` and ` outside quotes and parentheses. */
function clauses(filter: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let quoted = false;
  let start = 0;
  for (let i = 0; i < filter.length; i++) {
    const ch = filter[i];
    if (ch === "'") quoted = !quoted;
    else if (!quoted && ch === '(') depth++;
    else if (!quoted && ch === ')') depth--;
    else if (!quoted && depth === 0 && /^\sand\s/i.test(filter.slice(i, i + 5))) {
      out.push(filter.slice(start, i));
      start = i + 5;
      i += 4;
    }
  }
  out.push(filter.slice(start));
  return out.map((c) => c.trim().replace(/^\((.*)\)$/, '$1').trim());
}

function compare(a: unknown, b: Literal): number {
  if (typeof a === 'string' && typeof b === 'string' && ISO.test(a) && ISO.test(b)) return Date.parse(a) - Date.parse(b);
  if (typeof a === 'string' && typeof b === 'string') return a.toLowerCase() < b.toLowerCase() ? -1 : a.toLowerCase() > b.toLowerCase() ? 1 : 0;
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  if (typeof a === 'boolean' && typeof b === 'boolean') return Number(a) - Number(b);
  return a === b ? 0 : NaN;
}

/** Compiles a $filter against the properties a resource has; unknown properties are refused. */
export function compileFilter(filter: string, properties: ReadonlySet<string>): Predicate {
  if (filter.length > 2000) throw new FilterError('Invalid filter clause: the filter is too long.');
  const predicates: Predicate[] = clauses(filter).map((clause) => {
    const any = ANY.exec(clause);
    if (any) {
      const [, property, , value] = any;
      if (!properties.has(property)) throw new FilterError(`Invalid filter clause: Could not find a property named '${property}'.`);
      const wanted = String(literal(value)).toLowerCase();
      return (row) => Array.isArray(row[property]) && (row[property] as unknown[]).some((v) => String(v).toLowerCase() === wanted);
    }
    const m = COMPARE.exec(clause);
    if (!m) throw new FilterError(`Invalid filter clause: '${clause.slice(0, 100)}' is not supported.`);
    const [, property, op, raw] = m;
    if (!properties.has(property)) throw new FilterError(`Invalid filter clause: Could not find a property named '${property}'.`);
    const value = literal(raw);
    return (row) => {
      const c = compare(row[property], value);
      switch (op) {
        case 'eq':
          return c === 0;
        case 'ne':
          return c !== 0;
        case 'gt':
          return c > 0;
        case 'ge':
          return c >= 0;
        case 'lt':
          return c < 0;
        default:
          return c <= 0;
      }
    };
  });
  return (row) => predicates.every((p) => p(row));
}
