import { join } from 'node:path';
import { openPglite } from './pglite.js';
import { openPostgres } from './postgres.js';
import type { Store } from './sql.js';

export interface StoreOptions {
  /** The gateway's data folder; PGlite keeps its cluster in `<dataDir>/db`. Omitted: in memory. */
  dataDir?: string;
  /** A PostgreSQL server instead of PGlite. */
  databaseUrl?: string;
}

export function openStore(options: StoreOptions): Promise<Store> {
  if (options.databaseUrl) return openPostgres(options.databaseUrl);
  return openPglite(options.dataDir ? join(options.dataDir, 'db') : undefined);
}

export type { Sql, SqlParam, Store } from './sql.js';
