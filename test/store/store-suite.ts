// The store test-suite, run unchanged against every store exogate has (test/store/store.test.ts
// runs it against PGlite in memory, PGlite in a folder, and PostgreSQL when DATABASE_URL is set):
// the Sql contract itself (migrations, parameter and result types, transactions) and the
// writers that live on it (sign-in batches, the directory, the mail store).
import type { Test } from 'tap';
import { SignInWriter } from '../../core/signins/writer.js';
import { fromRow, newSignIn, toGraphSignIn, type SignInRecord, type SignInRowFromStore } from '../../core/signins/record.js';
import { MIGRATIONS, SCHEMA_VERSION, migrate } from '../../core/store/migrations.js';
import type { Column, Sql, SqlParam, Store } from '../../core/store/sql.js';
import { DEFAULT_FOLDERS, MailStore } from '../../core/mail/store.js';
import { Directory } from '../../core/tenants/directory.js';
import { ORG_DEFAULTS, USER_DEFAULTS, type OrgSettings, type Tenant, type UserSettings } from '../../core/tenants/model.js';

/** One database a test owns, opened once; `again()` opens the same database another time. */
export interface Opened {
  store: Store;
  /**
   * Another store on the same database. Where `shared` is false (PGlite) the previous one must be
   * closed first; where it is true (PostgreSQL) several may be open at once, like several gateways.
   */
  again(): Promise<Store>;
}

export interface StoreTarget {
  name: string;
  /** Data outlives close(): `again()` after close sees it. */
  persistent: boolean;
  /** Several stores may have the database open at once. */
  shared: boolean;
  /** A new, empty database (different on every call), opened and so migrated. */
  create(t: Test): Promise<Opened>;
}

/** close() exactly once, whether the test closed it itself or not. */
export function closeOnce(t: Test, store: Store): Store {
  let closed: Promise<void> | undefined;
  const close = () => (closed ??= store.close());
  t.teardown(() => close());
  return Object.assign(Object.create(store) as Store, { close, query: store.query, transaction: store.transaction });
}

// --- helpers -----------------------------------------------------------------------------------

async function count(sql: Sql, table: string, where = '', params: SqlParam[] = []): Promise<number> {
  const rows = await sql.query<{ n: number }>(`select count(*) as n from ${table} ${where}`, params);
  return rows[0].n;
}

/** Drops every table of the current schema: an empty, unmigrated database again. */
async function wipe(sql: Sql): Promise<void> {
  const tables = await sql.query<{ tablename: string }>('select tablename from pg_tables where schemaname = current_schema()');
  for (const { tablename } of tables) await sql.query(`drop table if exists "${tablename}" cascade`);
}

async function migrationsRecorded(t: Test, sql: Sql): Promise<void> {
  const rows = await sql.query<{ version: number; name: string }>('select version, name from schema_migrations order by version');
  t.same(
    rows,
    MIGRATIONS.map((m) => ({ version: m.version, name: m.name })),
    'schema_migrations holds every migration once',
  );
}

/** A Sql whose query() throws when armed, to stand for a store outage in the middle of a write. */
class FlakySql implements Sql {
  #failIn = 0;
  failures = 0;
  onFail: (() => void) | undefined;

  constructor(readonly inner: Sql) {}

  /** The `n`-th query from now (1 = the next) throws, once. */
  failAt(n: number, onFail?: () => void): void {
    this.#failIn = n;
    this.onFail = onFail;
  }

  #check(): void {
    if (this.#failIn > 0 && --this.#failIn === 0) {
      this.failures++;
      this.onFail?.();
      throw new Error('store outage (simulated)');
    }
  }

  query<Row = Record<string, unknown>>(text: string, params?: readonly SqlParam[]): Promise<Row[]> {
    try {
      this.#check();
    } catch (error) {
      return Promise.reject(error);
    }
    return this.inner.query<Row>(text, params);
  }

  transaction<T>(work: (tx: Sql) => Promise<T>): Promise<T> {
    return this.inner.transaction((tx) => {
      const flakyTx: Sql = {
        query: <Row>(text: string, params?: readonly SqlParam[]) => {
          try {
            this.#check();
          } catch (error) {
            return Promise.reject(error);
          }
          return tx.query<Row>(text, params);
        },
        transaction: (nested) => nested(flakyTx),
        bulkInsert: (table, columns, rows) => {
          try {
            this.#check();
          } catch (error) {
            return Promise.reject(error);
          }
          return tx.bulkInsert(table, columns, rows);
        },
      };
      return work(flakyTx);
    });
  }

  bulkInsert(table: string, columns: readonly Column[], rows: readonly (readonly unknown[])[]): Promise<void> {
    try {
      this.#check();
    } catch (error) {
      return Promise.reject(error);
    }
    return this.inner.bulkInsert(table, columns, rows);
  }
}

const TENANT = '11111111-1111-4111-8111-111111111111';
const USER = '22222222-2222-4222-8222-222222222222';
const AT = Date.parse('2021-07-01T10:00:00Z');

function signInRow(i: number, at = AT + i * 1000): SignInRecord {
  return newSignIn({
    at,
    tenantId: TENANT,
    tenantName: 'contoso.onmicrosoft.com',
    user: { id: USER, upn: 'alice@contoso.com', displayName: 'Alice' },
    clientAppUsed: i % 2 ? 'IMAP4' : 'Authenticated SMTP',
    ipAddress: `127.0.0.${(i % 250) + 1}`,
    errorCode: i % 3 ? 0 : 50126,
    userAgent: 'Thunderbird/115.0',
  });
}

const QUIET_LIMITS = { signInFlushIntervalMs: 3_600_000, signInFlushBatch: 1_000_000, signInQueueMax: 1_000_000, usageFlushIntervalMs: 3_600_000 };

/** The directory's in-memory state in a form t.same can compare; lists with no meaning in their order are sorted. */
function snapshot(d: Directory) {
  const byKey = <T>(list: T[], key: (x: T) => string) => [...list].sort((a, b) => key(a).localeCompare(key(b)));
  const settings = <S extends object>(s: { history(k: keyof S): readonly { at: number; value: unknown }[] }, keys: (keyof S)[]) =>
    Object.fromEntries(keys.map((k) => [k, s.history(k).map((e) => ({ ...e }))]).filter(([, h]) => (h as unknown[]).length));
  return byKey(d.tenants(), (x) => x.name).map((tenant: Tenant) => ({
    id: tenant.id,
    name: tenant.name,
    cloud: tenant.cloud,
    createdAt: tenant.createdAt,
    // The initial domain is first (auth and the identity platform read domains[0]); the rest are a set.
    domains: [tenant.domains[0], ...[...tenant.domains.slice(1)].sort()],
    org: settings<OrgSettings>(tenant.org, Object.keys(ORG_DEFAULTS) as (keyof OrgSettings)[]),
    policies: Object.fromEntries([...tenant.policies.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([k, v]) => [k, v.entries])),
    users: byKey([...tenant.users.values()], (u) => u.upn).map((u) => ({
      id: u.id,
      tenantId: u.tenantId,
      upn: u.upn,
      displayName: u.displayName,
      passwordHash: u.passwordHash,
      appPasswords: u.appPasswords,
      createdAt: u.createdAt,
      settings: settings<UserSettings>(u.settings, Object.keys(USER_DEFAULTS) as (keyof UserSettings)[]),
    })),
    apps: byKey([...tenant.apps.values()], (a) => a.clientId),
    servicePrincipals: byKey([...tenant.servicePrincipals.values()], (s) => s.objectId),
    mailboxPermissions: Object.fromEntries(
      [...tenant.mailboxPermissions.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([k, v]) => [k, byKey(v, (p) => `${p.trustee}|${p.rights}`)]),
    ),
  }));
}

/** Writes one of everything the directory can hold, through Directory.write like the seed does. */
async function populate(d: Directory): Promise<{ tenantId: string; aliceId: string; bobId: string }> {
  const t0 = Date.parse('2021-01-01T00:00:00Z');
  const later = Date.parse('2022-10-01T00:00:00Z');
  return d.write(async (w) => {
    const tenant = await w.createTenant({ name: 'Contoso', cloud: 'commercial', createdAt: t0 });
    await w.addDomain(tenant, 'zeta-contoso.com');
    await w.addDomain(tenant, 'Contoso.com');
    await w.addDomain(tenant, 'contoso.COM'); // twice in one batch (a seed may list it so): once
    const alice = await w.createUser(tenant, { upn: 'Alice@Contoso.com', displayName: 'Alice', passwordHash: 'scrypt$alice', createdAt: t0 });
    const bob = await w.createUser(tenant, { upn: 'bob@contoso.com', displayName: 'Bob', passwordHash: null, createdAt: t0 + 1 });
    await w.setPassword(bob, 'scrypt$bob');
    await w.setDisplayName(bob, 'Bob B.');
    await w.addAppPassword(alice, 'old', 'scrypt$old', t0 + 10);
    await w.removeAppPasswords(alice);
    await w.addAppPassword(alice, 'phone', 'scrypt$phone', t0 + 20);
    await w.addAppPassword(alice, 'laptop', 'scrypt$laptop', t0 + 30);
    await w.setOrg(tenant, 'smtpClientAuthenticationDisabled', true, t0, t0);
    await w.setOrg(tenant, 'smtpClientAuthenticationDisabled', false, later, t0); // scheduled
    await w.setOrg(tenant, 'basicAuthBlockedApps', ['pop', 'ews'], t0, t0);
    await w.setOrg(tenant, 'phase', null, t0, t0);
    await w.setPolicy(tenant, 'NoBasic', { name: 'NoBasic', allowBasic: { smtp: false, imap: false } }, t0, t0);
    await w.setPolicy(tenant, 'NoBasic', { name: 'NoBasic', allowBasic: { pop: false } }, later, t0);
    await w.setPolicy(tenant, 'Gone', { name: 'Gone', allowBasic: {} }, t0, t0);
    await w.setPolicy(tenant, 'Gone', null, t0, t0); // same instant: the later write wins
    await w.setOrg(tenant, 'defaultAuthenticationPolicy', 'nobasic', t0, t0);
    await w.setUser(alice, 'roles', ['GlobalAdministrator'], t0, t0);
    await w.setUser(bob, 'ImapEnabled', false, t0, t0);
    await w.setUser(bob, 'SmtpClientAuthenticationDisabled', true, later, t0);
    await w.setUser(bob, 'authenticationPolicy', 'nobasic', t0, t0);
    const app = {
      clientId: '00000000-0000-0000-0000-0000000000a1',
      tenantId: tenant.id,
      objectId: '00000000-0000-0000-0000-0000000000b1',
      displayName: 'Mail App',
      secretHashes: ['scrypt$secret'],
      delegated: ['IMAP.AccessAsUser.All'],
      application: [],
      redirectUris: [],
      createdAt: t0,
    };
    await w.upsertApp(tenant, app);
    // An update replaces the fields it names, in the store and (staged) in memory.
    await w.upsertApp(tenant, { ...app, displayName: 'Mail App v2', application: ['IMAP.AccessAsApp'], redirectUris: ['http://localhost:8400/cb'] });
    await w.addServicePrincipal(tenant, { objectId: app.objectId, tenantId: tenant.id, appId: app.clientId, displayName: 'Mail App' }, t0);
    await w.addServicePrincipal(tenant, { objectId: '00000000-0000-0000-0000-0000000000b2', tenantId: tenant.id, appId: app.clientId, displayName: 'dup' }, t0);
    await w.addMailboxPermission(tenant, { mailboxUserId: alice.id, trustee: app.objectId, rights: 'FullAccess' }, t0);
    await w.addMailboxPermission(tenant, { mailboxUserId: alice.id, trustee: app.objectId, rights: 'FullAccess' }, t0);
    await w.addMailboxPermission(tenant, { mailboxUserId: alice.id, trustee: bob.id, rights: 'SendAs' }, t0);
    const gcc = await w.createTenant({ name: 'fabrikam', cloud: 'gcc', createdAt: t0 + 5 });
    await w.createUser(gcc, { upn: 'ops@fabrikam.onmicrosoft.com', displayName: 'Ops', passwordHash: 'scrypt$ops', createdAt: t0 + 5 });
    return { tenantId: tenant.id, aliceId: alice.id, bobId: bob.id };
  });
}

async function makeUser(sql: Sql, upn: string): Promise<string> {
  const d = await Directory.load(sql);
  return d.write(async (w) => {
    const name = upn.split('@')[1].split('.')[0];
    const tenant = w.tenant(name) ?? (await w.createTenant({ name, cloud: 'commercial', createdAt: AT }));
    return (await w.createUser(tenant, { upn, displayName: upn, passwordHash: null, createdAt: AT })).id;
  });
}

const message = (n: number) =>
  Buffer.concat([Buffer.from(`From: alice@contoso.com\r\nTo: bob@contoso.com\r\nSubject: ${n}\r\n\r\nbody ${n} \u00e9\r\n`, 'utf8'), Buffer.from([0, 0xff, 0x80, 0x0d, 0x0a])]);

// --- the suite ---------------------------------------------------------------------------------

export function storeSuite(t: Test, target: StoreTarget): void {
  const open = async (t: Test): Promise<Opened> => {
    const opened = await target.create(t);
    return { store: closeOnce(t, opened.store), again: async () => closeOnce(t, await opened.again()) };
  };

  t.test('migrations are applied once and recorded in schema_migrations', async (t) => {
    const { store } = await open(t);
    await migrationsRecorded(t, store);
    t.equal(SCHEMA_VERSION, MIGRATIONS[MIGRATIONS.length - 1].version);
    const before = await store.query<{ version: number; applied_at: Date }>('select version, applied_at from schema_migrations order by version');
    t.ok(before.every((r) => r.applied_at instanceof Date), 'applied_at is a timestamptz');
    t.equal(await migrate(store), 0, 'migrating an up-to-date database applies nothing');
    t.equal(await migrate(store), 0, 'twice');
    t.same(await store.query('select version, applied_at from schema_migrations order by version'), before, 'and records nothing new');
    for (const table of ['tenants', 'users', 'settings', 'signins', 'usage_daily', 'mail_folders', 'mail_messages', 'meta']) {
      t.equal(await count(store, table), 0, `${table} exists and is empty`);
    }
  });

  t.test('concurrent migrate() calls on one database all succeed and apply each migration once', async (t) => {
    const { store, again } = await open(t);
    await wipe(store);
    const results = await Promise.all([migrate(store), migrate(store), migrate(store), migrate(store)]);
    t.equal(
      results.reduce((a, b) => a + b, 0),
      MIGRATIONS.length,
      'one caller applied them',
    );
    await migrationsRecorded(t, store);
    if (target.shared) {
      // Several instances starting at once on an empty shared database (each opens, so migrates).
      await wipe(store);
      const stores = await Promise.all([again(), again(), again()]);
      t.equal(stores.length, 3, 'every instance opened');
      await migrationsRecorded(t, store);
      await Promise.all(stores.map((s) => s.close()));
    }
  });

  t.test('query with parameters of every type we use', async (t) => {
    const { store } = await open(t);
    await store.query(`create table type_probe (
      id integer primary key, t text, i integer, b8 bigint, bo boolean, ts timestamptz, j jsonb, by bytea, d date, u uuid)`);
    const when = new Date('2021-07-01T12:34:56.789Z');
    const bytes = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
    const jsonValue = { a: [1, 'x', null, true], nested: { b: 2.5, s: 'Grüße "quoted" \\ ✉' } };
    await store.query('insert into type_probe values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)', [
      1,
      'Grüße ✉ 日本 \'quote\' $1',
      2147483647,
      Number.MAX_SAFE_INTEGER,
      true,
      when,
      JSON.stringify(jsonValue),
      bytes,
      '2021-07-01',
      '00000000-0000-0000-0000-0000000000A1',
    ]);
    await store.query('insert into type_probe values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)', [
      2,
      '',
      -1,
      -5,
      false,
      new Date(0),
      JSON.stringify(['a', 'b']),
      new Uint8Array([1, 2, 3]),
      '1999-12-31',
      null,
    ]);
    await store.query('insert into type_probe (id) values ($1)', [3]);
    const rows = await store.query<Record<string, unknown>>('select * from type_probe order by id');
    t.equal(rows.length, 3);
    const [a, b, c] = rows;
    t.equal(a.t, 'Grüße ✉ 日本 \'quote\' $1', 'text round-trips, parameters are never interpolated');
    t.equal(a.i, 2147483647, 'int');
    t.equal(a.b8, Number.MAX_SAFE_INTEGER, 'int8 comes back as a JavaScript number');
    t.equal(typeof b.b8, 'number');
    t.equal(b.b8, -5);
    t.equal(a.bo, true, 'bool');
    t.equal(b.bo, false);
    t.ok(a.ts instanceof Date, 'timestamptz is a Date');
    t.equal((a.ts as Date).getTime(), when.getTime(), 'with its milliseconds');
    t.same(a.j, jsonValue, 'jsonb given as JSON.stringify comes back parsed');
    t.same(b.j, ['a', 'b'], 'a jsonb array');
    t.ok(a.by instanceof Uint8Array, 'bytea is a Uint8Array (Buffer or not)');
    t.ok(Buffer.from(a.by as Uint8Array).equals(bytes), 'every byte value round-trips');
    t.same([...(b.by as Uint8Array)], [1, 2, 3], 'a Uint8Array parameter');
    t.ok(a.d instanceof Date, 'date is a Date');
    t.equal((a.d as Date).toISOString(), '2021-07-01T00:00:00.000Z', 'at midnight UTC on every store, whatever TZ says');
    t.equal(a.u, '00000000-0000-0000-0000-0000000000a1', 'uuid comes back as lower-case text');
    t.equal(b.u, null);
    t.same(
      Object.values(c).filter((v) => v !== null),
      [3],
      'null parameters and columns',
    );

    const [agg] = await store.query<{ n: number; total: number; big: number }>(
      'select count(*) as n, sum(i)::int8 as total, max(b8) as big from type_probe where bo = $1 or t = any($2)',
      [true, ['', 'none']],
    );
    t.same(agg, { n: 2, total: 2147483646, big: Number.MAX_SAFE_INTEGER }, 'count(*) and int8 aggregates are numbers; an array parameter');
    t.same(await store.query('select id from type_probe where ts > $1 order by id', [new Date(1)]), [{ id: 1 }], 'a Date compares as a timestamptz');
    t.same(await store.query('select id from type_probe where j @> $1::jsonb', [JSON.stringify({ nested: { b: 2.5 } })]), [{ id: 1 }], 'a jsonb containment parameter');
    t.same(await store.query('select $1::int8 as v', [12n]), [{ v: 12 }], 'a bigint parameter');
    t.same(await store.query('select 1 as one where false'), [], 'no rows is an empty array');
    await t.rejects(store.query('select * from no_such_table'), /no_such_table/, 'an SQL error rejects');
    t.same(await store.query('select 1 as one'), [{ one: 1 }], 'and the store goes on');
  });

  t.test('a transaction commits when its work resolves and rolls back when it throws', async (t) => {
    const { store } = await open(t);
    await store.query('create table tx_probe (k text primary key, v integer not null)');
    const result = await store.transaction(async (tx) => {
      await tx.query('insert into tx_probe values ($1, $2)', ['a', 1]);
      const seen = await tx.query<{ v: number }>('select v from tx_probe where k = $1', ['a']);
      t.same(seen, [{ v: 1 }], 'a transaction reads its own writes');
      return 'done';
    });
    t.equal(result, 'done', 'transaction() resolves to what its work returns');
    t.same(await store.query('select k, v from tx_probe'), [{ k: 'a', v: 1 }], 'committed');

    const boom = new Error('boom');
    await t.rejects(
      store.transaction(async (tx) => {
        await tx.query('insert into tx_probe values ($1, $2)', ['b', 2]);
        await tx.query('update tx_probe set v = 100 where k = $1', ['a']);
        throw boom;
      }),
      boom,
      'the work\'s own error comes out',
    );
    t.same(await store.query('select k, v from tx_probe'), [{ k: 'a', v: 1 }], 'rolled back: no insert, no update');

    await t.rejects(
      store.transaction(async (tx) => {
        await tx.query('insert into tx_probe values ($1, $2)', ['c', 3]);
        await tx.query('insert into tx_probe values ($1, $2)', ['a', 4]); // duplicate key
      }),
      /duplicate key/,
    );
    t.same(await store.query('select k from tx_probe order by k'), [{ k: 'a' }], 'an SQL error inside rolls back the statements before it');

    // After failures the store (and, on a pool, every connection) is still good for work.
    const many = await Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        store.transaction(async (tx) => {
          await tx.query('insert into tx_probe values ($1, $2)', [`m${i}`, i]);
          if (i % 3 === 0) throw new Error(`fail ${i}`);
          return i;
        }).catch(() => -1),
      ),
    );
    t.equal(many.filter((x) => x >= 0).length, 8);
    t.equal(await count(store, 'tx_probe', "where k like 'm%'"), 8, 'only the committed ones');
  });

  t.test('a nested transaction joins the outer one', async (t) => {
    const { store } = await open(t);
    await store.query('create table nest_probe (k text primary key)');
    const ids = await store.transaction(async (tx) => {
      await tx.query('insert into nest_probe values ($1)', ['outer']);
      const outerId = (await tx.query<{ id: string }>('select txid_current()::text as id'))[0].id;
      const innerId = await tx.transaction(async (inner) => {
        await inner.query('insert into nest_probe values ($1)', ['inner']);
        t.equal(await count(inner, 'nest_probe'), 2, 'the inner one sees the outer one\'s writes');
        return (await inner.query<{ id: string }>('select txid_current()::text as id'))[0].id;
      });
      return { outerId, innerId };
    });
    t.equal(ids.innerId, ids.outerId, 'one transaction id');
    t.equal(await count(store, 'nest_probe'), 2, 'both committed together');

    await t.rejects(
      store.transaction(async (tx) => {
        await tx.query('insert into nest_probe values ($1)', ['outer2']);
        await tx.transaction(async (inner) => {
          await inner.query('insert into nest_probe values ($1)', ['inner2']);
        });
        throw new Error('outer fails after the inner one resolved');
      }),
    );
    t.equal(await count(store, 'nest_probe'), 2, 'an inner transaction does not commit on its own');

    await t.rejects(
      store.transaction(async (tx) => {
        await tx.query('insert into nest_probe values ($1)', ['outer3']);
        await tx.transaction(async () => {
          throw new Error('inner fails');
        });
      }),
      /inner fails/,
    );
    t.equal(await count(store, 'nest_probe'), 2, 'an inner failure rolls back the outer work');
  });

  t.test('the sign-in writer writes batches and counts usage', async (t) => {
    const { store } = await open(t);

    t.test('many records in one flush', async (t) => {
      const writer = new SignInWriter(store, QUIET_LIMITS);
      const rows = Array.from({ length: 2345 }, (_, i) => signInRow(i)); // several 1000-row statements
      for (const row of rows) writer.record(row);
      t.equal(writer.pending, rows.length, 'recording only queues');
      t.equal(await count(store, 'signins'), 0, 'nothing written before a flush');
      await writer.flush();
      t.equal(writer.pending, 0);
      t.equal(await count(store, 'signins'), rows.length, 'every record written');
      t.equal(writer.stats.written, rows.length);
      const sample = rows[1234];
      const [stored] = await store.query<SignInRowFromStore>('select * from signins where id = $1', [sample.id]);
      t.same(fromRow(stored), sample, 'the record round-trips through its columns');
      t.same(toGraphSignIn(fromRow(stored)), toGraphSignIn(sample), 'and reads back as the same Graph signIn');
      t.equal(stored.tenant_id, TENANT);
      t.equal(stored.user_id, USER);
      t.equal(await count(store, 'signins', 'where error_code = $1', [50126]), rows.filter((r) => r.errorCode === 50126).length);
      await writer.flush();
      t.equal(await count(store, 'signins'), rows.length, 'an empty flush writes nothing');
    });

    t.test('the batch threshold flushes by itself', async (t) => {
      const writer = new SignInWriter(store, { ...QUIET_LIMITS, signInFlushBatch: 10 });
      const before = await count(store, 'signins');
      // A flush starts on the microtask queue; setImmediate runs once that queue is empty.
      const settled = () => new Promise((resolve) => setImmediate(resolve));
      for (let i = 0; i < 9; i++) writer.record(signInRow(i));
      await settled();
      t.equal(writer.pending, 9, 'below the threshold records wait');
      writer.record(signInRow(9));
      await settled();
      t.equal(writer.pending, 0, 'reaching it starts a flush without being asked');
      for (let i = 10; i < 25; i++) writer.record(signInRow(i));
      await writer.close();
      t.equal(await count(store, 'signins'), before + 25, 'close() writes the rest');
    });

    t.test('records flush on their own; usage counters wait for their own interval or an explicit flush', async (t) => {
      const writer = new SignInWriter(store, { ...QUIET_LIMITS, signInFlushBatch: 3 });
      const TENANT3 = '44444444-4444-4444-8444-444444444444';
      const usage = () => store.query<{ successes: number }>('select successes from usage_daily where tenant_id = $1', [TENANT3]);
      writer.countUsage(TENANT3, 'pop', 'basic', AT, USER, 'load');
      const before = await count(store, 'signins');
      for (let i = 0; i < 3; i++) writer.record(signInRow(100 + i));
      // The batch threshold starts a records-only flush; wait for it through the store itself.
      for (let i = 0; i < 200 && (await count(store, 'signins')) < before + 3; i++) await new Promise((r) => setTimeout(r, 10));
      t.equal(await count(store, 'signins'), before + 3, 'the batch went out');
      t.same(await usage(), [], 'the counters did not go with it');
      await writer.flush();
      t.same(await usage(), [{ successes: 1 }], 'an explicit flush writes them');
      await writer.close();
    });

    t.test('usage counters upsert and add up across flushes', async (t) => {
      const writer = new SignInWriter(store, QUIET_LIMITS);
      const day2 = AT + 86_400_000;
      for (let i = 0; i < 3; i++) writer.countUsage(TENANT, 'imap', 'basic', AT + i, USER, 'Thunderbird');
      writer.countUsage(TENANT, 'imap', 'oauth', AT);
      writer.countUsage(TENANT, 'smtp', 'basic', day2, USER, '');
      await writer.flush();
      for (let i = 0; i < 2; i++) writer.countUsage(TENANT, 'imap', 'basic', AT + 1000 + i, USER, 'Thunderbird');
      writer.countUsage(TENANT, 'smtp', 'basic', day2, USER, '');
      await writer.flush();
      const daily = await store.query<{ protocol: string; day: Date; auth_kind: string; successes: number }>(
        'select protocol, day, auth_kind, successes from usage_daily where tenant_id = $1 order by day, protocol, auth_kind',
        [TENANT],
      );
      t.same(
        daily.map((r) => ({ ...r, day: r.day.toISOString().slice(0, 10) })),
        [
          { protocol: 'imap', day: '2021-07-01', auth_kind: 'basic', successes: 5 },
          { protocol: 'imap', day: '2021-07-01', auth_kind: 'oauth', successes: 1 },
          { protocol: 'smtp', day: '2021-07-02', auth_kind: 'basic', successes: 2 },
        ],
        'per tenant, protocol, day and kind, summed across flushes',
      );
      const clients = await store.query<{ protocol: string; client: string; successes: number; last_seen: Date }>(
        'select protocol, client, successes, last_seen from usage_clients where tenant_id = $1 and user_id = $2 order by protocol',
        [TENANT, USER],
      );
      t.same(
        clients.map((c) => ({ ...c, last_seen: c.last_seen.getTime() })),
        [
          { protocol: 'imap', client: 'Thunderbird', successes: 5, last_seen: AT + 1001 },
          { protocol: 'smtp', client: 'unknown', successes: 2, last_seen: day2 },
        ],
        'Basic clients per user, with the latest sighting',
      );
    });

    t.test('a flush while the store fails keeps everything for a later flush', async (t) => {
      const flaky = new FlakySql(store);
      const writer = new SignInWriter(flaky, QUIET_LIMITS);
      const before = await count(store, 'signins');
      const TENANT2 = '33333333-3333-4333-8333-333333333333';
      const rows = Array.from({ length: 5 }, (_, i) => signInRow(i));
      for (const row of rows) writer.record(row);
      writer.countUsage(TENANT2, 'pop', 'basic', AT, USER, 'Outlook');
      writer.countUsage(TENANT2, 'pop', 'basic', AT, USER, 'Outlook');
      // The second statement of the flush (the usage upsert, after the sign-in insert) fails.
      // While that flush is in flight, more sign-ins happen.
      flaky.failAt(2, () => {
        writer.record(signInRow(100));
        writer.countUsage(TENANT2, 'pop', 'basic', AT + 5, USER, 'Outlook');
      });
      await writer.flush();
      t.equal(flaky.failures, 1, 'the flush met the outage');
      t.equal(writer.stats.failedFlushes, 1);
      t.equal(await count(store, 'signins'), before, 'nothing half-written: the sign-in insert was rolled back');
      t.equal(await count(store, 'usage_daily', 'where tenant_id = $1', [TENANT2]), 0);
      t.equal(writer.pending, 6, 'every record is still queued');

      writer.record(signInRow(101));
      await writer.flush();
      t.equal(await count(store, 'signins'), before + 7, 'the next flush writes all of them, once');
      const [daily] = await store.query<{ successes: number }>('select successes from usage_daily where tenant_id = $1', [TENANT2]);
      t.equal(daily.successes, 3, 'usage counted before and during the failed flush is all there');
      const [client] = await store.query<{ successes: number; last_seen: Date }>('select successes, last_seen from usage_clients where tenant_id = $1', [TENANT2]);
      t.equal(client.successes, 3, 'so are the per-client counts');
      t.equal(client.last_seen.getTime(), AT + 5);

      // At close() a failure is reported; the records stay and a later flush still writes them.
      writer.record(signInRow(102));
      flaky.failAt(1);
      await t.rejects(writer.close(), /outage/, 'close() reports a flush it could not do');
      t.equal(writer.pending, 1);
      await writer.flush();
      t.equal(writer.pending, 0);
      t.equal(await count(store, 'signins'), before + 8, 'a flush after a failed close() still works');
    });
  });

  t.test('Directory.load rebuilds what Directory.write made', async (t) => {
    const { store } = await open(t);
    const empty = await Directory.load(store);
    t.same(empty.tenants(), [], 'an empty store loads an empty directory');

    const d = await Directory.load(store);
    const ids = await populate(d);
    const written = snapshot(d);
    t.equal(written.length, 2);
    t.same(written[0].domains, ['contoso.onmicrosoft.com', 'contoso.com', 'zeta-contoso.com']);
    t.equal(written[0].users[0].appPasswords.length, 2, 'removed app passwords are gone');
    t.equal(d.tenant('zeta-contoso.com')?.id, ids.tenantId);

    // A batch that throws changes neither the store nor memory.
    await t.rejects(
      d.write(async (w) => {
        const tenant = w.tenant('contoso')!;
        await w.setOrg(tenant, 'securityDefaults', true, AT, AT);
        await w.createUser(tenant, { upn: 'carol@contoso.com', displayName: 'Carol', passwordHash: null, createdAt: AT });
        await w.createUser(tenant, { upn: 'CAROL@contoso.com', displayName: 'Carol again', passwordHash: null, createdAt: AT }); // unique upn
      }),
      /duplicate key/,
    );
    t.same(snapshot(d), written, 'memory untouched by the failed batch');

    const loaded = await Directory.load(store);
    t.same(snapshot(loaded), written, 'a fresh load holds the same tenants, users, settings, policies, apps and permissions');
    t.equal(loaded.tenant('Zeta-Contoso.com')?.id, ids.tenantId, 'found by any domain');
    t.equal(loaded.tenant('contoso.onmicrosoft.com')?.id, ids.tenantId, 'and by the initial one');
    t.equal(loaded.tenant(ids.tenantId)?.name, 'contoso');
    t.equal(loaded.userByUpn('ALICE@contoso.com')?.id, ids.aliceId, 'users by upn, case-insensitively');
    t.equal(loaded.userById(ids.bobId)?.displayName, 'Bob B.');
    t.equal(loaded.tenantForUpn('bob@zeta-contoso.com')?.id, ids.tenantId);
    t.equal(loaded.app('00000000-0000-0000-0000-0000000000A1')?.displayName, 'Mail App v2', 'apps by client id');
    const tenant = loaded.tenant('contoso')!;
    const bob = loaded.userById(ids.bobId)!;
    t.equal(tenant.org.get('smtpClientAuthenticationDisabled', AT), true, 'effective-dated settings answer "what was true at t"');
    t.equal(tenant.org.get('smtpClientAuthenticationDisabled', Date.parse('2023-01-01')), false);
    t.equal(bob.settings.get('SmtpClientAuthenticationDisabled', AT), null);
    t.equal(bob.settings.get('SmtpClientAuthenticationDisabled', Date.parse('2023-01-01')), true);
    t.same(tenant.policies.get('nobasic')?.at(AT), { name: 'NoBasic', allowBasic: { smtp: false, imap: false } });
    t.equal(tenant.policies.get('gone')?.at(AT), null, 'a removed policy');

    // Writes after a load land on top of what was loaded.
    await loaded.write(async (w) => {
      await w.setOrg(loaded.tenant('contoso')!, 'securityDefaults', true, AT, AT);
      await w.addDomain(loaded.tenant('fabrikam')!, 'fabrikam.com');
    });
    t.same(snapshot(await Directory.load(store)), snapshot(loaded), 'and load again');
  });

  t.test('MailStore.deliver numbers messages per folder', async (t) => {
    const { store, again } = await open(t);
    const alice = await makeUser(store, 'alice@contoso.com');
    const mail = new MailStore(store);
    const delivered: unknown[] = [];
    mail.on('delivered', (d) => delivered.push(d));

    const uids = [];
    for (let i = 1; i <= 3; i++) uids.push((await mail.deliver(alice, message(i), { internalDate: new Date(AT + i) })).uid);
    t.same(uids, [1, 2, 3], 'INBOX UIDs start at 1 and grow');
    t.same((await mail.deliver(alice, message(9), { folder: 'Sent Items', flags: ['\\Seen'] })).uid, 1, 'each folder has its own UIDs');
    t.match(delivered[3], { userId: alice, folder: 'Sent Items', uid: 1 }, 'a delivered event per message');

    const folders = await store.query<{ name: string; special_use: string | null; uid_validity: number; uid_next: number }>(
      'select name, special_use, uid_validity, uid_next from mail_folders where user_id = $1 order by name',
      [alice],
    );
    t.same(
      folders.map((f) => ({ name: f.name, specialUse: f.special_use })),
      [...DEFAULT_FOLDERS].sort((a, b) => (a.name < b.name ? -1 : 1)),
      'the first delivery made every default folder',
    );
    t.ok(folders.every((f) => typeof f.uid_validity === 'number' && f.uid_validity > 0), 'UIDVALIDITY is a positive number');
    t.equal(folders.find((f) => f.name === 'INBOX')?.uid_next, 4, 'UIDNEXT');

    const inbox = await mail.messages(alice);
    t.same(
      inbox.map((m) => m.uid),
      [1, 2, 3],
    );
    t.ok(inbox[1].body.equals(message(2)), 'the message bytes, 8-bit and NUL included, round-trip');
    t.equal(inbox[1].size, message(2).length);
    t.equal(inbox[1].internalDate.getTime(), AT + 2);
    t.same((await mail.messages(alice, 'Sent Items'))[0].flags, ['\\Seen']);
    t.same(await mail.messages(alice, 'Archive'), []);

    await t.rejects(mail.deliver(alice, message(0), { folder: 'No Such Folder' }), /no folder/);
    t.equal((await mail.deliver(alice, message(4))).uid, 4, 'a failed delivery uses no UID');

    // A mailbox whose very first delivery fails still works afterwards.
    const bob = await makeUser(store, 'bob@contoso.com');
    await t.rejects(mail.deliver(bob, message(0), { folder: 'No Such Folder' }), /no folder/);
    t.equal((await mail.deliver(bob, message(1))).uid, 1, 'the next delivery creates the folders and gets UID 1');

    // Concurrent deliveries get distinct, gap-free UIDs; with a shared store, from two instances.
    const other = target.shared ? new MailStore(await again()) : mail;
    const many = await Promise.all(Array.from({ length: 20 }, (_, i) => (i % 2 ? other : mail).deliver(bob, message(100 + i))));
    t.same(
      many.map((d) => d.uid).sort((a, b) => a - b),
      Array.from({ length: 20 }, (_, i) => i + 2),
      'concurrent deliveries: distinct UIDs, no gaps',
    );
    t.equal((await mail.messages(bob)).length, 21);

    const captured = await mail.capture({ tenantId: TENANT, userId: alice, mailFrom: 'alice@contoso.com', rcptTo: ['x@example.org', 'y@example.net'], body: message(7), at: new Date(AT) });
    const list = await mail.captured(TENANT);
    t.equal(list.length, 1);
    t.same({ ...list[0], body: list[0].body.equals(message(7)) }, { id: captured, mailFrom: 'alice@contoso.com', rcptTo: ['x@example.org', 'y@example.net'], createdAt: new Date(AT), size: message(7).length, body: true }, 'mail outside every tenant is captured');
    t.same(await mail.captured('44444444-4444-4444-8444-444444444444'), []);
  });

  if (target.persistent) {
    t.test('close and reopen: the data survives, migrations are not applied again', async (t) => {
      const opened = await target.create(t);
      let store = closeOnce(t, opened.store);
      const d = await Directory.load(store);
      const { aliceId: alice } = await populate(d);
      const directoryBefore = snapshot(d);
      let mail = new MailStore(store);
      for (let i = 1; i <= 3; i++) await mail.deliver(alice, message(i));
      const writer = new SignInWriter(store, QUIET_LIMITS);
      for (let i = 0; i < 50; i++) writer.record(signInRow(i));
      writer.countUsage(TENANT, 'imap', 'basic', AT, USER, 'Thunderbird');
      await writer.close();
      const migrationsBefore = await store.query('select version, name, applied_at from schema_migrations order by version');
      const validityBefore = await store.query('select name, uid_validity from mail_folders where user_id = $1 order by name', [alice]);
      await store.close();

      store = closeOnce(t, await opened.again());
      t.same(await store.query('select version, name, applied_at from schema_migrations order by version'), migrationsBefore, 'schema_migrations as it was: nothing re-applied');
      t.equal(await migrate(store), 0);
      t.same(snapshot(await Directory.load(store)), directoryBefore, 'the directory loads as it was written');
      t.equal(await count(store, 'signins'), 50, 'sign-in records kept');
      t.same(await store.query('select successes from usage_daily'), [{ successes: 1 }], 'usage kept');
      mail = new MailStore(store);
      t.same(
        (await mail.messages(alice)).map((m) => [m.uid, m.body.equals(message(m.uid))]),
        [
          [1, true],
          [2, true],
          [3, true],
        ],
        'messages kept with their UIDs',
      );
      t.equal((await mail.deliver(alice, message(4))).uid, 4, 'UIDs continue after a reopen');
      t.same(await store.query('select name, uid_validity from mail_folders where user_id = $1 order by name', [alice]), validityBefore, 'UIDVALIDITY unchanged');
      await store.close();

      // And once more, after writes made by the reopened store.
      store = closeOnce(t, await opened.again());
      t.same((await new MailStore(store).messages(alice)).map((m) => m.uid), [1, 2, 3, 4]);
      t.equal((await new MailStore(store).deliver(alice, message(5))).uid, 5);
    });
  }
}
