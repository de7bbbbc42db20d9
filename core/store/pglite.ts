// The embedded store: PGlite (PostgreSQL compiled to WebAssembly) in `<data>/db`, or in memory.
// Creating a PGlite cluster runs initdb, which costs seconds; a migrated template cluster is
// therefore built once per machine (per PGlite version and schema) and every new database,
// in memory or on disk, starts as a copy of it.
import { PGlite } from '@electric-sql/pglite';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { MIGRATIONS, migrate } from './migrations.js';
import type { Sql, SqlParam, Store } from './sql.js';

type PGliteLike = Pick<PGlite, 'query' | 'transaction'>;

function wrap(db: PGliteLike): Sql {
  const sql: Sql = {
    async query<Row>(text: string, params?: readonly SqlParam[]) {
      const result = await db.query<Row>(text, params as unknown[] | undefined);
      return result.rows;
    },
    transaction<T>(work: (tx: Sql) => Promise<T>) {
      return db.transaction((tx) => {
        const inner: Sql = {
          async query<Row>(text: string, params?: readonly SqlParam[]) {
            return (await tx.query<Row>(text, params as unknown[] | undefined)).rows;
          },
          // A transaction inside a transaction joins it.
          transaction: (nested) => nested(inner),
        };
        return work(inner);
      });
    },
  };
  return sql;
}

/** PGlite's version, from its package.json (which its exports map does not expose). */
function pgliteVersion(): string {
  let dir = dirname(createRequire(import.meta.url).resolve('@electric-sql/pglite'));
  for (let i = 0; i < 5; i++, dir = dirname(dir)) {
    const file = join(dir, 'package.json');
    if (existsSync(file)) {
      const pkg = JSON.parse(readFileSync(file, 'utf8')) as { name?: string; version?: string };
      if (pkg.name === '@electric-sql/pglite' && pkg.version) return pkg.version;
    }
  }
  return 'unknown';
}

function templateKey(): string {
  const version = pgliteVersion();
  const hash = createHash('sha256');
  for (const m of MIGRATIONS) hash.update(`${m.version}\0${m.up}\0`);
  return `pglite-${version}-${hash.digest('hex').slice(0, 16)}`;
}

/** A dump of a fresh, fully migrated cluster, built on first use and cached on disk. */
async function template(): Promise<Blob> {
  const dir = process.env.EXOGATE_CACHE_DIR ?? join(tmpdir(), 'exogate-cache');
  const key = templateKey();
  const file = join(dir, `${key}.tar`);
  if (existsSync(file)) {
    return new Blob([readFileSync(file)]);
  }
  const db = new PGlite();
  await db.waitReady;
  await migrate(wrap(db));
  const dump = await db.dumpDataDir('none');
  await db.close();
  const bytes = new Uint8Array(await dump.arrayBuffer());
  mkdirSync(dir, { recursive: true });
  // Parallel test processes may build it at once: write aside, then rename atomically.
  const temp = `${file}.${process.pid}.tmp`;
  writeFileSync(temp, bytes);
  renameSync(temp, file);
  for (const old of readdirSync(dir)) if (old.startsWith('pglite-') && old.endsWith('.tar') && !old.startsWith(key)) rmSync(join(dir, old), { force: true });
  return new Blob([bytes]);
}

export async function openPglite(dataDir?: string): Promise<Store> {
  const fresh = !dataDir || !existsSync(join(dataDir, 'PG_VERSION'));
  const loadDataDir = fresh ? await template() : undefined;
  if (dataDir) mkdirSync(dataDir, { recursive: true });
  const db = dataDir ? new PGlite(dataDir, { loadDataDir }) : new PGlite({ loadDataDir });
  await db.waitReady;
  const sql = wrap(db);
  try {
    await migrate(sql);
  } catch (error) {
    // Release the cluster (and its files) so the caller can report the error and exit or retry.
    await db.close().catch(() => undefined);
    throw error;
  }
  return {
    kind: 'pglite',
    location: dataDir ?? 'memory',
    query: sql.query,
    transaction: sql.transaction,
    close: () => db.close(),
  };
}
