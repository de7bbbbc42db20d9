// Reading the usage counters the sign-in writer keeps (core/signins/writer.ts): successful
// sign-ins per tenant, protocol, UTC day and kind (Basic or OAuth), and which users and client
// apps used Basic — the report administrators asked for (issue 5 item 1).
import type { ProtocolId } from '../protocols.js';
import type { Sql } from '../store/sql.js';

export interface DailyUsage {
  day: string;
  protocol: ProtocolId;
  basic: number;
  oauth: number;
}

export interface ClientUsage {
  userId: string;
  protocol: ProtocolId;
  /** The device id, or the user agent when there is none ("unknown" when neither). */
  client: string;
  successes: number;
  firstDay: string;
  lastSeen: number;
}

export interface UsageQuery {
  tenantId: string;
  protocol?: ProtocolId;
  /** First and last UTC day, inclusive, as YYYY-MM-DD. */
  from: string;
  to: string;
}

const isoDay = (t: number) => new Date(t).toISOString().slice(0, 10);

/** Per protocol per day, Basic and OAuth side by side, oldest day first. */
export async function dailyUsage(sql: Sql, q: UsageQuery): Promise<DailyUsage[]> {
  const params: string[] = [q.tenantId, q.from, q.to];
  if (q.protocol) params.push(q.protocol);
  const rows = await sql.query<{ day: string; protocol: ProtocolId; basic: string; oauth: string }>(
    `select day::text as day, protocol,
            sum(case when auth_kind = 'basic' then successes else 0 end)::text as basic,
            sum(case when auth_kind = 'oauth' then successes else 0 end)::text as oauth
       from usage_daily
      where tenant_id = $1 and day >= $2::date and day <= $3::date ${q.protocol ? 'and protocol = $4' : ''}
      group by day, protocol order by day, protocol`,
    params,
  );
  return rows.map((r) => ({ day: r.day, protocol: r.protocol, basic: Number(r.basic), oauth: Number(r.oauth) }));
}

/** Who used Basic, with which client, over the days asked; most sign-ins first. */
export async function basicClients(sql: Sql, q: UsageQuery): Promise<ClientUsage[]> {
  const params: string[] = [q.tenantId, q.from, q.to];
  if (q.protocol) params.push(q.protocol);
  const rows = await sql.query<{ user_id: string; protocol: ProtocolId; client: string; successes: string; first_day: string; last_seen: Date }>(
    `select user_id, protocol, client, sum(successes)::text as successes, min(day)::text as first_day, max(last_seen) as last_seen
       from usage_clients
      where tenant_id = $1 and day >= $2::date and day <= $3::date ${q.protocol ? 'and protocol = $4' : ''}
      group by user_id, protocol, client order by sum(successes) desc, protocol, user_id, client`,
    params,
  );
  return rows.map((r) => ({
    userId: r.user_id,
    protocol: r.protocol,
    client: r.client,
    successes: Number(r.successes),
    firstDay: r.first_day,
    lastSeen: new Date(r.last_seen).getTime(),
  }));
}

/**
 * `tenantId|protocol` for every Basic success on the UTC days from `from` to `to` (inclusive):
 * what the proactive disablement asks before announcing and again before switching off.
 */
export async function basicUsedBetween(sql: Sql, tenantIds: readonly string[], from: number, to: number): Promise<Set<string>> {
  if (!tenantIds.length) return new Set();
  const rows = await sql.query<{ tenant_id: string; protocol: string }>(
    `select distinct tenant_id, protocol from usage_daily
      where auth_kind = 'basic' and successes > 0 and day >= $1::date and day <= $2::date and tenant_id in (select jsonb_array_elements_text($3::jsonb)::uuid)`,
    [isoDay(from), isoDay(to), JSON.stringify(tenantIds)],
  );
  return new Set(rows.map((r) => `${r.tenant_id}|${r.protocol}`));
}
