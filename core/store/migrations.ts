// Numbered migrations, shared by PGlite and PostgreSQL. Append only: a migration that has
// landed is never edited, a change is a new number.
import type { Sql } from './sql.js';
import * as m0001 from './migrations/0001-init.js';
import * as m0002 from './migrations/0002-programme.js';

export const MIGRATIONS: readonly { version: number; name: string; up: string }[] = [
  { version: 1, name: 'init', up: m0001.up },
  { version: 2, name: 'programme', up: m0002.up },
];

export const SCHEMA_VERSION = MIGRATIONS[MIGRATIONS.length - 1].version;

// Every migrator of one schema takes this transaction-scoped advisory lock first. A table lock
// is not enough: two instances starting on an empty PostgreSQL database race on `create table
// if not exists schema_migrations` itself and one fails with a duplicate key in pg_type. The
// second key is the schema, so tests (or tenants of a server) in separate schemas don't wait
// on each other. PGlite has a single connection; the lock costs nothing there.
const LOCK = "select pg_advisory_xact_lock(1702391655, hashtext(coalesce(current_schema(), '')))";

/** Bring a database up to date; safe to run on every start and from several instances at once. */
export async function migrate(sql: Sql): Promise<number> {
  await sql.transaction(async (tx) => {
    await tx.query(LOCK);
    await tx.query('create table if not exists schema_migrations (version integer primary key, name text not null, applied_at timestamptz not null default now())');
  });
  let applied = 0;
  for (const migration of MIGRATIONS) {
    const done = await sql.transaction(async (tx) => {
      await tx.query(LOCK);
      const rows = await tx.query('select 1 from schema_migrations where version = $1', [migration.version]);
      if (rows.length) return false;
      for (const statement of splitStatements(migration.up)) await tx.query(statement);
      await tx.query('insert into schema_migrations (version, name) values ($1, $2)', [migration.version, migration.name]);
      return true;
    });
    if (done) applied++;
  }
  return applied;
}

// Parameterised query() runs one statement at a time on both drivers; migrations hold no
// semicolons inside literals or bodies, which this split relies on.
function splitStatements(script: string): string[] {
  return script
    .split(/;\s*(?:\n|$)/)
    .map((s) => s.replace(/^\s*--.*$/gm, '').trim())
    .filter(Boolean);
}
