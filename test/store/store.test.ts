// The store suite (store-suite.ts) against every store exogate has: PGlite in memory, PGlite in
// a data folder (with close and reopen), and a PostgreSQL server when DATABASE_URL is set (CI
// starts one with scripts/ci/postgres.sh). Each PostgreSQL database of the suite is a schema of
// its own, made for this run and dropped at its end, so runs never see each other's data.
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import t from 'tap';
import { openStore } from '../../core/store/open.js';
import { storeSuite, type StoreTarget } from './store-suite.js';

const inMemory: StoreTarget = {
  name: 'PGlite in memory',
  persistent: false,
  shared: false,
  async create(t) {
    const store = await openStore({});
    t.equal(store.kind, 'pglite');
    return {
      store,
      again: () => Promise.reject(new Error('an in-memory store cannot be opened again')),
    };
  },
};

const inFolder: StoreTarget = {
  name: 'PGlite in a data folder',
  persistent: true,
  shared: false,
  async create(t) {
    const dataDir = mkdtempSync(join(tmpdir(), 'exogate-store-'));
    // Registered first, so it runs after the stores' own teardowns have closed them.
    t.teardown(() => rmSync(dataDir, { recursive: true, force: true }));
    const store = await openStore({ dataDir });
    t.equal(store.location, join(dataDir, 'db'), 'the cluster lives in <data>/db');
    t.ok(existsSync(join(dataDir, 'db', 'PG_VERSION')), 'on disk');
    return { store, again: () => openStore({ dataDir }) };
  },
};

t.test(inMemory.name, async (t) => storeSuite(t, inMemory));
t.test(inFolder.name, async (t) => storeSuite(t, inFolder));

const databaseUrl = process.env.DATABASE_URL;
t.test('PostgreSQL (DATABASE_URL)', { skip: databaseUrl ? false : 'DATABASE_URL is not set' }, async (t) => {
  const admin = new pg.Client({ connectionString: databaseUrl });
  await admin.connect();
  const run = `exogate_test_${process.pid}_${randomBytes(4).toString('hex')}`;
  let schemas = 0;
  t.teardown(async () => {
    // Every schema this run made, whatever the tests left open (their pools are closed first).
    const { rows } = await admin.query<{ nspname: string }>('select nspname from pg_namespace where nspname like $1', [`${run}\\_%`]);
    for (const { nspname } of rows) await admin.query(`drop schema if exists "${nspname}" cascade`);
    await admin.end();
  });

  const target: StoreTarget = {
    name: 'PostgreSQL',
    persistent: true,
    shared: true,
    async create() {
      const schema = `${run}_${++schemas}`;
      await admin.query(`create schema "${schema}"`);
      const url = new URL(databaseUrl!);
      url.searchParams.set('options', `-c search_path=${schema}`);
      const open = () => openStore({ databaseUrl: url.toString() });
      const store = await open();
      return { store, again: open };
    },
  };

  t.test('each database of the suite is a schema of its own', async (t) => {
    const { store } = await target.create(t);
    t.teardown(() => store.close());
    t.equal(store.kind, 'postgres');
    const password = decodeURIComponent(new URL(databaseUrl!).password);
    if (password) t.notOk(store.location.includes(`:${password}@`), 'location hides the password');
    const [{ schema }] = await store.query<{ schema: string }>('select current_schema() as schema');
    t.match(schema, new RegExp(`^${run}_\\d+$`));
    t.same(
      (await store.query<{ tablename: string }>("select tablename from pg_tables where schemaname = current_schema() and tablename = 'schema_migrations'")).length,
      1,
      'the migrations went into it',
    );
  });

  await t.test(target.name, async (t) => storeSuite(t, target));
});
