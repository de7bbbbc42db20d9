// The embedded store: PGlite (PostgreSQL compiled to WebAssembly) in `<data>/db`, or in memory,
// run on a worker thread (see pglite-worker.ts). This side turns the Sql interface into
// messages; the event loop of the protocol servers never waits on WebAssembly.
import { Worker } from 'node:worker_threads';
import { migrate } from './migrations.js';
import { copyText, type Column, type Sql, type SqlParam, type Store } from './sql.js';

interface Reply {
  id: number;
  ok: boolean;
  rows?: unknown[];
  tx?: number;
  error?: { message: string; code?: string; detail?: string; severity?: string };
}

class WorkerClient {
  readonly #worker: Worker;
  readonly #pending = new Map<number, { resolve: (r: Reply) => void; reject: (e: Error) => void }>();
  #nextId = 1;
  #dead: Error | null = null;

  constructor() {
    this.#worker = new Worker(new URL('./pglite-worker.js', import.meta.url));
    // Referenced only while a request is out: an idle store does not keep the process alive.
    this.#worker.unref();
    this.#worker.on('message', (reply: Reply) => {
      const waiting = this.#pending.get(reply.id);
      if (!waiting) return;
      this.#pending.delete(reply.id);
      if (!this.#pending.size) this.#worker.unref();
      if (reply.ok) waiting.resolve(reply);
      else waiting.reject(Object.assign(new Error(reply.error?.message ?? 'store error'), { code: reply.error?.code, detail: reply.error?.detail, severity: reply.error?.severity }));
    });
    const die = (error: Error) => {
      this.#dead = error;
      for (const waiting of this.#pending.values()) waiting.reject(error);
      this.#pending.clear();
    };
    this.#worker.on('error', die);
    this.#worker.on('exit', (code) => die(new Error(`the store's worker thread exited (${code})`)));
  }

  call(message: Record<string, unknown>): Promise<Reply> {
    if (this.#dead) return Promise.reject(this.#dead);
    const id = this.#nextId++;
    return new Promise((resolve, reject) => {
      if (!this.#pending.size) this.#worker.ref();
      this.#pending.set(id, { resolve, reject });
      this.#worker.postMessage({ id, ...message });
    });
  }

  async terminate(): Promise<void> {
    await this.#worker.terminate();
  }
}

function sqlOver(client: WorkerClient, tx?: number): Sql {
  const sql: Sql = {
    async query<Row>(text: string, params?: readonly SqlParam[]) {
      return (await client.call({ op: 'query', text, params, tx })).rows as Row[];
    },
    async transaction<T>(work: (inner: Sql) => Promise<T>): Promise<T> {
      // A transaction inside a transaction joins it.
      if (tx !== undefined) return work(sql);
      const opened = (await client.call({ op: 'begin' })).tx!;
      let result: T;
      try {
        result = await work(sqlOver(client, opened));
      } catch (error) {
        await client.call({ op: 'end', tx: opened, commit: false }).catch(() => undefined);
        throw error;
      }
      await client.call({ op: 'end', tx: opened, commit: true });
      return result;
    },
    async bulkInsert(table: string, columns: readonly Column[], rows: readonly (readonly unknown[])[]) {
      // Rows become COPY text here: a string is copied to the worker far more cheaply than
      // structured-cloning thousands of small arrays.
      if (rows.length) await client.call({ op: 'copy', table, columns, text: copyText(columns, rows), tx });
    },
  };
  return sql;
}

export async function openPglite(dataDir?: string): Promise<Store> {
  const client = new WorkerClient();
  try {
    await client.call({ op: 'open', dataDir: dataDir ?? null });
    const sql = sqlOver(client);
    await migrate(sql);
    return {
      kind: 'pglite',
      location: dataDir ?? 'memory',
      ...sql,
      close: async () => {
        await client.call({ op: 'close' }).catch(() => undefined);
        await client.terminate();
      },
    };
  } catch (error) {
    await client.terminate();
    throw error;
  }
}
