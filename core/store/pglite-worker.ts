// The worker thread that owns the embedded PGlite database. PostgreSQL in WebAssembly runs
// synchronously on whatever thread holds it; keeping it here means a flush of sign-in records
// or a large mail delivery never stalls the protocol servers on the main thread.
//
// Messages (main → worker): open, query, begin, end (commit or roll back), copy, close. Every
// message carries an id and gets exactly one reply { id, ok, rows | error }.
import { PGlite, type Transaction } from '@electric-sql/pglite';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { parentPort } from 'node:worker_threads';
import { MIGRATIONS, migrate } from './migrations.js';
import { assertIdentifier, copyText, type Column, type Sql, type SqlParam } from './sql.js';

type Request =
  | { id: number; op: 'open'; dataDir: string | null }
  | { id: number; op: 'query'; text: string; params?: unknown[]; tx?: number }
  | { id: number; op: 'copy'; table: string; columns: Column[]; text: string; tx?: number }
  | { id: number; op: 'begin' }
  | { id: number; op: 'end'; tx: number; commit: boolean }
  | { id: number; op: 'close' };

type Queryable = Pick<PGlite, 'query'> | Transaction;

const port = parentPort!;
let db: PGlite | null = null;

interface OpenTransaction {
  handle: Transaction;
  queue: Request[];
  /** Set while the transaction's loop waits for its next request. */
  waiting: ((request: Request) => void) | null;
  /** The id of the request that ended it (commit or roll back), answered once it is over. */
  endId: number | null;
}

/** Open transactions, by the id handed to the main thread. */
const transactions = new Map<number, OpenTransaction>();
let nextTx = 1;
const ROLLBACK = new Error('rolled back on request');

function reply(id: number, result: { rows?: unknown[]; tx?: number } | { error: unknown }): void {
  if ('error' in result) {
    const e = result.error as { message?: string; code?: string; detail?: string; severity?: string };
    port.postMessage({ id, ok: false, error: { message: e?.message ?? String(result.error), code: e?.code, detail: e?.detail, severity: e?.severity } });
  } else port.postMessage({ id, ok: true, ...result });
}

function local(handle: Queryable): Sql {
  const sql: Sql = {
    async query<Row>(text: string, params?: readonly SqlParam[]) {
      return (await handle.query<Row>(text, params as unknown[] | undefined)).rows;
    },
    transaction: (work) => (handle instanceof PGlite ? handle.transaction((tx) => work(local(tx))) : work(sql)),
    bulkInsert: async (table, columns, rows) => {
      if (rows.length) await copy(handle, table, columns, copyText(columns, rows));
    },
  };
  return sql;
}

/** `text`: the rows in COPY's text format, built by the main thread (one string crosses threads cheaply; arrays of rows do not). */
async function copy(handle: Queryable, table: string, columns: readonly Column[], text: string): Promise<void> {
  const names = columns.map((c) => assertIdentifier(c.name)).join(', ');
  await handle.query(`copy ${assertIdentifier(table)} (${names}) from '/dev/blob'`, [], { blob: new Blob([text]) });
}

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

/**
 * Creating a cluster runs initdb, which costs seconds; a migrated template is built once per
 * machine (per PGlite version and schema) and every new database starts as a copy of it.
 */
async function template(): Promise<Blob> {
  const dir = process.env.EXOGATE_CACHE_DIR ?? join(tmpdir(), 'exogate-cache');
  const hash = createHash('sha256');
  for (const m of MIGRATIONS) hash.update(`${m.version}\0${m.up}\0`);
  const key = `pglite-${pgliteVersion()}-${hash.digest('hex').slice(0, 16)}`;
  const file = join(dir, `${key}.tar`);
  if (existsSync(file)) return new Blob([readFileSync(file)]);
  const fresh = new PGlite();
  await fresh.waitReady;
  await migrate(local(fresh));
  const bytes = new Uint8Array(await (await fresh.dumpDataDir('none')).arrayBuffer());
  await fresh.close();
  mkdirSync(dir, { recursive: true });
  // Parallel test processes may build it at once: write aside, then rename atomically.
  const temp = `${file}.${process.pid}.${Date.now()}.tmp`;
  writeFileSync(temp, bytes);
  renameSync(temp, file);
  for (const old of readdirSync(dir)) if (old.startsWith('pglite-') && old.endsWith('.tar') && !old.startsWith(key)) rmSync(join(dir, old), { force: true });
  return new Blob([bytes]);
}

async function open(dataDir: string | null): Promise<void> {
  const fresh = !dataDir || !existsSync(join(dataDir, 'PG_VERSION'));
  const loadDataDir = fresh ? await template() : undefined;
  if (dataDir) mkdirSync(dataDir, { recursive: true });
  db = dataDir ? new PGlite(dataDir, { loadDataDir }) : new PGlite({ loadDataDir });
  await db.waitReady;
}

function target(tx?: number): Queryable {
  if (tx === undefined) return db!;
  const open = transactions.get(tx);
  if (!open) throw new Error(`no open transaction ${tx}`);
  return open.handle;
}

async function run(request: Exclude<Request, { op: 'begin' | 'end' | 'open' | 'close' }>): Promise<void> {
  try {
    if (request.op === 'query') reply(request.id, { rows: (await target(request.tx).query(request.text, request.params)).rows });
    else {
      await copy(target(request.tx), request.table, request.columns, request.text);
      reply(request.id, { rows: [] });
    }
  } catch (error) {
    reply(request.id, { error });
  }
}

function deliver(entry: OpenTransaction, request: Request): void {
  if (entry.waiting) {
    const wake = entry.waiting;
    entry.waiting = null;
    wake(request);
  } else entry.queue.push(request);
}

/** A transaction stays open, running the requests sent for it, until an "end" arrives. */
function begin(id: number): void {
  const tx = nextTx++;
  let entry: OpenTransaction | undefined;
  db!
    .transaction(async (handle) => {
      entry = { handle, queue: [], waiting: null, endId: null };
      transactions.set(tx, entry);
      reply(id, { tx });
      for (;;) {
        const request = entry.queue.shift() ?? (await new Promise<Request>((resolve) => (entry!.waiting = resolve)));
        if (request.op === 'end') {
          entry.endId = request.id;
          if (!request.commit) throw ROLLBACK;
          return;
        }
        await run(request as Exclude<Request, { op: 'begin' | 'end' | 'open' | 'close' }>);
      }
    })
    .then(
      () => reply(entry!.endId!, { rows: [] }),
      (error: unknown) => {
        // Rolled back on request, or COMMIT itself failed, or BEGIN did.
        if (!entry) return reply(id, { error });
        if (entry.endId !== null) reply(entry.endId, error === ROLLBACK ? { rows: [] } : { error });
      },
    )
    .finally(() => transactions.delete(tx));
}

port.on('message', (request: Request) => {
  switch (request.op) {
    case 'open':
      open(request.dataDir).then(
        () => reply(request.id, { rows: [] }),
        (error: unknown) => reply(request.id, { error }),
      );
      return;
    case 'begin':
      return begin(request.id);
    case 'close':
      (db ? db.close() : Promise.resolve()).then(
        () => reply(request.id, { rows: [] }),
        (error: unknown) => reply(request.id, { error }),
      );
      return;
    case 'end':
    default: {
      if (request.op === 'end' || request.tx !== undefined) {
        const entry = transactions.get(request.tx!);
        if (!entry) return reply(request.id, { error: new Error(`no open transaction ${request.tx}`) });
        return deliver(entry, request);
      }
      void run(request);
    }
  }
});
