// Synthetic sign-in records in bulk, straight into the store (the writer's own bulkInsert path,
// not the HTTP one): what the paging tests and the Graph paging benchmark read back. Records are
// spread one per `stepMs` going back from `newest`, `perInstant` of them sharing each instant, so
// paging must break ties on the id as Graph's order does.
import { uuidv7 } from '../../core/ids.js';
import { aadstsText } from '../../core/identity/aadsts.js';
import { EXCHANGE_APP_ID } from '../../core/identity/resources.js';
import { SIGNIN_COLUMNS, toRow, type SignInRecord } from '../../core/signins/record.js';
import type { Sql } from '../../core/store/sql.js';

export interface SyntheticSignIns {
  tenantId: string;
  /** Users' domain: records name user1@<domain> … user<users>@<domain>. */
  domain: string;
  count: number;
  /** The newest record's time (ms); older ones follow. */
  newest: number;
  stepMs?: number;
  perInstant?: number;
  users?: number;
}

/** The legacy clients a tenant in the programme sees (reference §9.1's clientAppUsed values). */
export const SYNTHETIC_CLIENTS = ['IMAP4', 'POP3', 'Authenticated SMTP', 'Exchange ActiveSync', 'Exchange Web Services', 'Mobile Apps and Desktop clients'] as const;

const BATCH = 10_000;
const WRONG_PASSWORD = aadstsText(50126);

export function syntheticSignIn(o: SyntheticSignIns, i: number): SignInRecord {
  const at = o.newest - Math.floor(i / (o.perInstant ?? 1)) * (o.stepMs ?? 1000);
  const user = (i % (o.users ?? 100)) + 1;
  const failed = i % 7 === 3;
  return {
    id: uuidv7(at),
    at,
    tenantId: o.tenantId,
    userId: null,
    upn: `user${user}@${o.domain}`,
    userDisplayName: `User ${user}`,
    appId: EXCHANGE_APP_ID,
    appDisplayName: 'Office 365 Exchange Online',
    resourceId: EXCHANGE_APP_ID,
    resourceDisplayName: 'Office 365 Exchange Online',
    clientAppUsed: SYNTHETIC_CLIENTS[i % SYNTHETIC_CLIENTS.length],
    errorCode: failed ? 50126 : 0,
    failureReason: failed ? WRONG_PASSWORD : null,
    ip: `10.0.${(i >>> 8) & 255}.${i & 255}`,
    correlationId: uuidv7(at),
    userAgent: 'Synthetic/1.0',
    deviceId: null,
    caStatus: 'notApplied',
    caPolicy: null,
    interactive: false,
    eventType: 'nonInteractiveUser',
  };
}

/** Inserts the records in batches; returns their ids. */
export async function seedSignIns(sql: Sql, o: SyntheticSignIns, onBatch?: (done: number) => void): Promise<string[]> {
  const ids: string[] = [];
  for (let start = 0; start < o.count; start += BATCH) {
    const rows: unknown[][] = [];
    for (let i = start; i < Math.min(o.count, start + BATCH); i++) {
      const record = syntheticSignIn(o, i);
      ids.push(record.id);
      rows.push(toRow(record));
    }
    await sql.bulkInsert('signins', SIGNIN_COLUMNS, rows);
    onBatch?.(Math.min(o.count, start + BATCH));
  }
  return ids;
}
