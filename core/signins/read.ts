// Reading sign-in records back, as Microsoft Graph's signIn resource, newest first (§9.2).
// The Graph API and the admin center page build on this.
import type { Sql } from '../store/sql.js';
import { fromRow, toGraphSignIn, type SignIn, type SignInRowFromStore } from './record.js';

export async function readSignIns(sql: Sql, options: { tenantId?: string; limit?: number } = {}): Promise<SignIn[]> {
  const params: unknown[] = [];
  let where = '';
  if (options.tenantId) {
    params.push(options.tenantId);
    where = 'where tenant_id = $1';
  }
  params.push(options.limit ?? 1000);
  const rows = await sql.query<SignInRowFromStore>(`select * from signins ${where} order by created_at desc, id desc limit $${params.length}`, params as string[]);
  return rows.map((r) => toGraphSignIn(fromRow(r)));
}
