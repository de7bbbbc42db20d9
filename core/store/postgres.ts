// The shared store: a PostgreSQL server through a `pg` pool, for several gateway instances.
import pg from 'pg';
import { migrate } from './migrations.js';
import { unnestInsert, type Column, type Sql, type SqlParam, type Store } from './sql.js';

// int8 as a JavaScript number, as PGlite returns it; counters and UIDs stay far below 2^53.
// date as midnight UTC, as PGlite returns it (pg's own parser gives local midnight, so a
// `day` column would read back as the previous day west of Greenwich).
// Set on this pool's type table only, never on pg's global one.
const types = {
  getTypeParser(oid: number, format?: 'text' | 'binary') {
    if (oid === 20 && format !== 'binary') return (value: string) => Number(value);
    if (oid === 1082 && format !== 'binary') return (value: string) => new Date(value);
    return pg.types.getTypeParser(oid, format as 'text');
  },
};

function redact(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return 'postgres';
  }
}

export async function openPostgres(databaseUrl: string, maxConnections = 10): Promise<Store> {
  const pool = new pg.Pool({ connectionString: databaseUrl, max: maxConnections, types });
  // An idle client that loses its server must not crash the process.
  pool.on('error', () => undefined);
  const query = async <Row>(text: string, params?: readonly SqlParam[]) =>
    (await pool.query(text, params as unknown[] | undefined)).rows as Row[];
  const bulk = (run: (text: string, params: unknown[]) => Promise<unknown>) => async (table: string, columns: readonly Column[], rows: readonly (readonly unknown[])[]) => {
    if (!rows.length) return;
    const { text, params } = unnestInsert(table, columns, rows);
    await run(text, params);
  };
  const sql: Sql = {
    query,
    bulkInsert: bulk((text, params) => pool.query(text, params)),
    async transaction<T>(work: (tx: Sql) => Promise<T>) {
      const client = await pool.connect();
      const inner: Sql = {
        query: async <Row>(text: string, params?: readonly SqlParam[]) =>
          (await client.query(text, params as unknown[] | undefined)).rows as Row[],
        transaction: (nested) => nested(inner),
        bulkInsert: bulk((text, params) => client.query(text, params)),
      };
      // A connection whose rollback failed may still be inside the transaction: destroy it
      // rather than hand it to the next caller.
      let broken: Error | undefined;
      try {
        await client.query('begin');
        const result = await work(inner);
        await client.query('commit');
        return result;
      } catch (error) {
        await client.query('rollback').catch((e: Error) => (broken = e));
        throw error;
      } finally {
        client.release(broken);
      }
    },
  };
  try {
    await migrate(sql);
  } catch (error) {
    // Idle pooled connections would otherwise keep the process alive after a failed start.
    await pool.end().catch(() => undefined);
    throw error;
  }
  return { kind: 'postgres', location: redact(databaseUrl), ...sql, close: () => pool.end() };
}
