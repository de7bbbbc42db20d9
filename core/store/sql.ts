// The one small interface every part of exogate uses to reach SQL. Two implementations:
// embedded PGlite (the default, in `<data>/db` or in memory, run on a worker thread) and a `pg`
// pool for a PostgreSQL server shared by several gateway instances. Both speak PostgreSQL, so
// the migrations and every query are shared.

export type SqlParam = string | number | bigint | boolean | null | Date | Uint8Array | readonly unknown[] | Record<string, unknown>;

export type ColumnType = 'uuid' | 'text' | 'integer' | 'smallint' | 'bigint' | 'boolean' | 'timestamptz' | 'date' | 'jsonb';

export interface Column {
  name: string;
  type: ColumnType;
}

export interface Sql {
  /** Run one statement with $1..$n parameters and return its rows. */
  query<Row = Record<string, unknown>>(text: string, params?: readonly SqlParam[]): Promise<Row[]>;
  /** Run `work` inside one transaction: committed when it resolves, rolled back when it throws. */
  transaction<T>(work: (tx: Sql) => Promise<T>): Promise<T>;
  /**
   * Insert many rows at once, the fastest way the engine offers (COPY on PGlite, unnest on a
   * server). Values follow the column types; jsonb values are objects, serialised here.
   */
  bulkInsert(table: string, columns: readonly Column[], rows: readonly (readonly unknown[])[]): Promise<void>;
}

export interface Store extends Sql {
  readonly kind: 'pglite' | 'postgres';
  /** Where the data lives, for humans: a folder, "memory", or the server URL without its password. */
  readonly location: string;
  close(): Promise<void>;
}

/** Table and column names in bulk inserts come from code, never from input; keep it that way. */
export function assertIdentifier(name: string): string {
  if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`not an SQL identifier: ${name}`);
  return name;
}

/** `insert ... select * from unnest($1::type[], ...)`: one statement for any number of rows. */
export function unnestInsert(table: string, columns: readonly Column[], rows: readonly (readonly unknown[])[]): { text: string; params: unknown[][] } {
  const params = columns.map((c, i) => rows.map((r) => (c.type === 'jsonb' && r[i] !== null && r[i] !== undefined ? JSON.stringify(r[i]) : (r[i] ?? null))));
  const casts = columns.map((c, i) => `$${i + 1}::${c.type}[]`).join(', ');
  return { text: `insert into ${assertIdentifier(table)} (${columns.map((c) => assertIdentifier(c.name)).join(', ')}) select * from unnest(${casts})`, params };
}

/** PostgreSQL's COPY text format: tab-separated, \N for null, backslash escapes. */
export function copyText(columns: readonly Column[], rows: readonly (readonly unknown[])[]): string {
  const cell = (value: unknown, type: ColumnType): string => {
    if (value === null || value === undefined) return '\\N';
    let text: string;
    if (value instanceof Date) text = value.toISOString();
    else if (type === 'jsonb') text = JSON.stringify(value);
    else if (typeof value === 'boolean') text = value ? 't' : 'f';
    else text = String(value);
    return text.replace(/[\\\t\n\r]/g, (c) => (c === '\\' ? '\\\\' : c === '\t' ? '\\t' : c === '\n' ? '\\n' : '\\r'));
  };
  let out = '';
  for (const row of rows) out += `${columns.map((c, i) => cell(row[i], c.type)).join('\t')}\n`;
  return out;
}
