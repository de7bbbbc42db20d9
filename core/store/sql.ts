// The one small interface every part of exogate uses to reach SQL. Two implementations:
// embedded PGlite (the default, in `<data>/db` or in memory) and a `pg` pool for a
// PostgreSQL server shared by several gateway instances. Both speak PostgreSQL, so the
// migrations and every query are shared.

export type SqlParam = string | number | bigint | boolean | null | Date | Uint8Array | readonly unknown[] | Record<string, unknown>;

export interface Sql {
  /** Run one statement with $1..$n parameters and return its rows. */
  query<Row = Record<string, unknown>>(text: string, params?: readonly SqlParam[]): Promise<Row[]>;
  /** Run `work` inside one transaction: committed when it resolves, rolled back when it throws. */
  transaction<T>(work: (tx: Sql) => Promise<T>): Promise<T>;
}

export interface Store extends Sql {
  readonly kind: 'pglite' | 'postgres';
  /** Where the data lives, for humans: a folder, "memory", or the server URL without its password. */
  readonly location: string;
  close(): Promise<void>;
}
