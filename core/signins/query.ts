// The query side of the sign-in log (reference §9.2): a filter over the signIn properties Graph
// lets callers filter on, turned into SQL, and keyset paging on (createdDateTime desc, id desc).
// Keyset, not offset: a page is "the next N records older than the last one seen", so records
// written while a caller pages (always newer, or at worst landing behind the cursor) never make
// a page repeat or skip one — what a 250,000-record PageIterator run needs. The existing index
// signins_tenant_time (tenant_id, created_at desc, id desc) serves every page; filters are
// checked on the rows the index walk yields.
import type { Sql, SqlParam } from '../store/sql.js';
import { fromRow, type SignInRecord, type SignInRowFromStore } from './record.js';

export type Comparison = 'eq' | 'ne' | 'gt' | 'ge' | 'lt' | 'le';

/** Where a filterable property lives and what may be asked of it. */
interface FilterableProperty {
  column: string;
  type: 'datetime' | 'string' | 'int';
  comparisons: readonly Comparison[];
  startsWith: boolean;
}

/** The signIn properties a $filter may name (reference §9.2), by their Graph path. */
export const FILTERABLE: Readonly<Record<string, FilterableProperty>> = {
  createdDateTime: { column: 'created_at', type: 'datetime', comparisons: ['eq', 'ne', 'gt', 'ge', 'lt', 'le'], startsWith: false },
  userPrincipalName: { column: 'upn', type: 'string', comparisons: ['eq'], startsWith: true },
  clientAppUsed: { column: 'client_app_used', type: 'string', comparisons: ['eq'], startsWith: false },
  appId: { column: 'app_id', type: 'string', comparisons: ['eq'], startsWith: true },
  appDisplayName: { column: 'app_display_name', type: 'string', comparisons: ['eq'], startsWith: true },
  'status/errorCode': { column: 'error_code', type: 'int', comparisons: ['eq', 'ne'], startsWith: false },
};

/**
 * A datetime literal is a span: `2026-09-30T10:00:00Z` names that whole second (createdDateTime
 * is rendered to the second), `...T10:00:00.250Z` that millisecond. `eq` matches the span, `gt`
 * starts after it, `le` ends with it.
 */
export interface DateSpan {
  from: number;
  to: number;
}

export type SignInFilter =
  | { kind: 'and'; left: SignInFilter; right: SignInFilter }
  | { kind: 'or'; left: SignInFilter; right: SignInFilter }
  | { kind: 'compare'; property: string; comparison: Comparison; value: string | number | DateSpan }
  | { kind: 'startsWith'; property: string; value: string };

/** Where the previous page ended: the last record's time (ms) and id. */
export interface Cursor {
  at: number;
  id: string;
}

export interface SignInQuery {
  /** Records of one tenant; omitted: every tenant's (the operator's view). */
  tenantId?: string;
  filter?: SignInFilter | null;
  after?: Cursor | null;
}

export interface SignInPage {
  records: SignInRecord[];
  /** Where the next page starts, or null when this one was the last. */
  next: Cursor | null;
}

class Where {
  readonly params: SqlParam[] = [];
  readonly clauses: string[] = [];

  param(value: SqlParam): string {
    this.params.push(value);
    return `$${this.params.length}`;
  }

  text(): string {
    return this.clauses.length ? `where ${this.clauses.join(' and ')}` : '';
  }
}

function filterSql(f: SignInFilter, w: Where): string {
  if (f.kind === 'and' || f.kind === 'or') return `(${filterSql(f.left, w)} ${f.kind} ${filterSql(f.right, w)})`;
  const property = FILTERABLE[f.property];
  if (!property) throw new RangeError(`not a filterable property: ${f.property}`);
  const column = property.column;
  // Directory strings compare without regard to case, as Entra's do.
  if (f.kind === 'startsWith') return `starts_with(lower(${column}), ${w.param(f.value.toLowerCase())})`;
  if (property.type === 'datetime') {
    const span = f.value as DateSpan;
    const from = () => w.param(new Date(span.from));
    const to = () => w.param(new Date(span.to));
    switch (f.comparison) {
      case 'eq':
        return `(${column} >= ${from()} and ${column} < ${to()})`;
      case 'ne':
        return `(${column} < ${from()} or ${column} >= ${to()})`;
      case 'gt':
        return `${column} >= ${to()}`;
      case 'ge':
        return `${column} >= ${from()}`;
      case 'lt':
        return `${column} < ${from()}`;
      case 'le':
        return `${column} < ${to()}`;
    }
  }
  if (property.type === 'int') return `${column} ${f.comparison === 'eq' ? '=' : '<>'} ${w.param(Number(f.value))}`;
  return `lower(${column}) ${f.comparison === 'eq' ? '=' : '<>'} ${w.param(String(f.value).toLowerCase())}`;
}

function whereFor(q: SignInQuery): Where {
  const w = new Where();
  if (q.tenantId) w.clauses.push(`tenant_id = ${w.param(q.tenantId)}`);
  if (q.filter) w.clauses.push(filterSql(q.filter, w));
  if (q.after) w.clauses.push(`(created_at, id) < (${w.param(new Date(q.after.at))}, ${w.param(q.after.id)}::uuid)`);
  return w;
}

/** A row as json_agg renders it: the time as text. */
type JsonRow = Omit<SignInRowFromStore, 'created_at'> & { created_at: string };

/** One page, newest first. */
export async function querySignIns(sql: Sql, q: SignInQuery, limit: number): Promise<SignInPage> {
  if (limit <= 0) return { records: [], next: null };
  const w = whereFor(q);
  // One more than asked: whether a next page exists is known now, so the last page never
  // carries a nextLink to an empty one. The page comes back as one JSON text: on the embedded
  // store that is a third of the cost of 1,000 typed rows crossing the worker boundary.
  const page = `select * from signins ${w.text()} order by created_at desc, id desc limit ${w.param(limit + 1)}`;
  const rows = await sql.transaction(async (tx) => {
    // Statistics lag behind bulk writes (the writer's batches, a seeded million), and with stale
    // ones the planner sorts a bitmap scan of every older record instead of walking the index
    // in order for the next page. The ordered walk is always the right plan for a keyset page.
    await tx.query('set local enable_sort = off');
    await tx.query('set local enable_bitmapscan = off');
    const [result] = await tx.query<{ rows: string | null }>(`select json_agg(p order by p.created_at desc, p.id desc)::text as rows from (${page}) p`, w.params);
    return result?.rows ? (JSON.parse(result.rows) as JsonRow[]) : [];
  });
  const records = rows.slice(0, limit).map((r) => fromRow({ ...r, created_at: new Date(r.created_at) }));
  const last = records[records.length - 1];
  return { records, next: rows.length > limit && last ? { at: last.at, id: last.id } : null };
}

/** How many records match, counting no further than `cap` (so a count is bounded too). */
export async function countSignIns(sql: Sql, q: SignInQuery, cap: number): Promise<number> {
  const w = whereFor(q);
  const rows = await sql.query<{ n: number }>(`select count(*)::integer as n from (select 1 from signins ${w.text()} limit ${w.param(cap)}) capped`, w.params);
  return rows[0]?.n ?? 0;
}

/** Every matching record up to `max`, newest first, one page of `pageSize` at a time. */
export async function* streamSignIns(sql: Sql, q: SignInQuery, options: { max: number; pageSize: number }): AsyncGenerator<SignInRecord[]> {
  let after = q.after ?? null;
  let left = options.max;
  while (left > 0) {
    const page = await querySignIns(sql, { ...q, after }, Math.min(options.pageSize, left));
    if (page.records.length) yield page.records;
    left -= page.records.length;
    if (!page.next) return;
    after = page.next;
  }
}
