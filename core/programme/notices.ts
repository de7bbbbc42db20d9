// Message Center posts and Service Health issues (reference §9.4), per tenant, as the programme
// posts them. Graph renders them as serviceUpdateMessage and serviceHealthIssue; the admin center
// lists them. Ids follow the real shapes: `MC` + number for posts, `EX` + number for Exchange
// issues (numbers from the store's sequences, starting past the reference's fixtures).
import type { Sql } from '../store/sql.js';

export type MessageCategory = 'preventOrFixIssue' | 'planForChange' | 'stayInformed';
export type MessageSeverity = 'normal' | 'high' | 'critical';

export interface MessageCenterPost {
  id: string;
  tenantId: string;
  /** What the programme posted it for: the 30-day notice or the confirmation. */
  kind: 'notice' | 'confirmation';
  title: string;
  /** HTML, as Message Center bodies are. */
  body: string;
  category: MessageCategory;
  severity: MessageSeverity;
  tags: string[];
  isMajorChange: boolean;
  services: string[];
  details: { name: string; value: string }[];
  startAt: number;
  endAt: number | null;
  actionRequiredBy: number | null;
  lastModifiedAt: number;
}

export interface HealthIssuePost {
  createdAt: number;
  postType: 'regular' | 'quick' | 'strategic';
  description: string;
}

export interface ServiceHealthIssue {
  id: string;
  tenantId: string;
  title: string;
  impactDescription: string;
  classification: 'advisory' | 'incident';
  origin: 'microsoft' | 'thirdParty' | 'customer';
  status: string;
  service: string;
  feature: string;
  featureGroup: string;
  isResolved: boolean;
  details: { name: string; value: string }[];
  posts: HealthIssuePost[];
  startAt: number;
  endAt: number | null;
  lastModifiedAt: number;
}

/** Past the real ids the reference lists as fixtures (MC1248389), so no emulated post collides with one. */
const MESSAGE_ID_BASE = 1_300_000;
const ISSUE_ID_BASE = 900_000;

const ms = (d: Date | null) => (d ? d.getTime() : null);

interface MessageRow {
  id: string;
  tenant_id: string;
  kind: MessageCenterPost['kind'];
  title: string;
  body: string;
  category: MessageCategory;
  severity: MessageSeverity;
  tags: string[];
  is_major_change: boolean;
  services: string[];
  details: { name: string; value: string }[];
  start_at: Date;
  end_at: Date | null;
  action_required_by: Date | null;
  last_modified_at: Date;
}

interface IssueRow {
  id: string;
  tenant_id: string;
  title: string;
  impact_description: string;
  classification: ServiceHealthIssue['classification'];
  origin: ServiceHealthIssue['origin'];
  status: string;
  service: string;
  feature: string;
  feature_group: string;
  is_resolved: boolean;
  details: { name: string; value: string }[];
  posts: { createdAt: number; postType: HealthIssuePost['postType']; description: string }[];
  start_at: Date;
  end_at: Date | null;
  last_modified_at: Date;
}

const toMessage = (r: MessageRow): MessageCenterPost => ({
  id: r.id,
  tenantId: r.tenant_id,
  kind: r.kind,
  title: r.title,
  body: r.body,
  category: r.category,
  severity: r.severity,
  tags: r.tags,
  isMajorChange: r.is_major_change,
  services: r.services,
  details: r.details,
  startAt: r.start_at.getTime(),
  endAt: ms(r.end_at),
  actionRequiredBy: ms(r.action_required_by),
  lastModifiedAt: r.last_modified_at.getTime(),
});

const toIssue = (r: IssueRow): ServiceHealthIssue => ({
  id: r.id,
  tenantId: r.tenant_id,
  title: r.title,
  impactDescription: r.impact_description,
  classification: r.classification,
  origin: r.origin,
  status: r.status,
  service: r.service,
  feature: r.feature,
  featureGroup: r.feature_group,
  isResolved: r.is_resolved,
  details: r.details,
  posts: r.posts,
  startAt: r.start_at.getTime(),
  endAt: ms(r.end_at),
  lastModifiedAt: r.last_modified_at.getTime(),
});

export class Notices {
  constructor(readonly sql: Sql) {}

  async postMessage(tx: Sql, post: Omit<MessageCenterPost, 'id'>): Promise<MessageCenterPost> {
    const [{ n }] = await tx.query<{ n: string }>("select nextval(pg_get_serial_sequence('programme_messages', 'seq')) as n");
    const id = `MC${MESSAGE_ID_BASE + Number(n)}`;
    await tx.query(
      `insert into programme_messages (id, tenant_id, kind, title, body, category, severity, tags, is_major_change, services, details, start_at, end_at, action_required_by, last_modified_at, seq)
       values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)`,
      [
        id,
        post.tenantId,
        post.kind,
        post.title,
        post.body,
        post.category,
        post.severity,
        JSON.stringify(post.tags),
        post.isMajorChange,
        JSON.stringify(post.services),
        JSON.stringify(post.details),
        new Date(post.startAt),
        post.endAt === null ? null : new Date(post.endAt),
        post.actionRequiredBy === null ? null : new Date(post.actionRequiredBy),
        new Date(post.lastModifiedAt),
        n,
      ],
    );
    return { id, ...post };
  }

  async postIssue(tx: Sql, issue: Omit<ServiceHealthIssue, 'id'>): Promise<ServiceHealthIssue> {
    const [{ n }] = await tx.query<{ n: string }>("select nextval(pg_get_serial_sequence('programme_issues', 'seq')) as n");
    const id = `EX${ISSUE_ID_BASE + Number(n)}`;
    await tx.query(
      `insert into programme_issues (id, tenant_id, title, impact_description, classification, origin, status, service, feature, feature_group, is_resolved, details, posts, start_at, end_at, last_modified_at, seq)
       values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17)`,
      [
        id,
        issue.tenantId,
        issue.title,
        issue.impactDescription,
        issue.classification,
        issue.origin,
        issue.status,
        issue.service,
        issue.feature,
        issue.featureGroup,
        issue.isResolved,
        JSON.stringify(issue.details),
        JSON.stringify(issue.posts),
        new Date(issue.startAt),
        issue.endAt === null ? null : new Date(issue.endAt),
        new Date(issue.lastModifiedAt),
        n,
      ],
    );
    return { id, ...issue };
  }

  /**
   * A tenant's posts visible at `now` (a post dated after the emulated now has not been posted
   * yet — the clock can be set back), newest first.
   */
  async messages(tenantId: string, now: number): Promise<MessageCenterPost[]> {
    const rows = await this.sql.query<MessageRow>('select * from programme_messages where tenant_id = $1 and start_at <= $2 order by start_at desc, id desc', [
      tenantId,
      new Date(now),
    ]);
    return rows.map(toMessage);
  }

  async message(tenantId: string, id: string, now: number): Promise<MessageCenterPost | undefined> {
    const rows = await this.sql.query<MessageRow>('select * from programme_messages where tenant_id = $1 and id = $2 and start_at <= $3', [tenantId, id.toUpperCase(), new Date(now)]);
    return rows[0] && toMessage(rows[0]);
  }

  async issues(tenantId: string, now: number): Promise<ServiceHealthIssue[]> {
    const rows = await this.sql.query<IssueRow>('select * from programme_issues where tenant_id = $1 and start_at <= $2 order by start_at desc, id desc', [tenantId, new Date(now)]);
    return rows.map(toIssue);
  }

  async issue(tenantId: string, id: string, now: number): Promise<ServiceHealthIssue | undefined> {
    const rows = await this.sql.query<IssueRow>('select * from programme_issues where tenant_id = $1 and id = $2 and start_at <= $3', [tenantId, id.toUpperCase(), new Date(now)]);
    return rows[0] && toIssue(rows[0]);
  }
}
