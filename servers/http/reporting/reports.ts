// The reports exogate serves, with the fields Microsoft documents for them (Office 365
// Reporting web service: "MessageTrace report", "MailboxUsageDetail report"), filled from the
// mail store and the directory: what was delivered and captured, and how big each mailbox is.
import { createHash } from 'node:crypto';
import { parseMessage } from '../../../core/mail/mime.js';
import type { Address } from '../../../core/mail/mime.js';
import type { MailStore } from '../../../core/mail/store.js';
import type { Tenant } from '../../../core/tenants/model.js';
import { MAILBOX_PLAN, MAILBOX_QUOTA_BYTES, NOT_RECEIVED_FOLDERS } from './replies.js';

export type EdmType = 'Edm.String' | 'Edm.DateTime' | 'Edm.Int32' | 'Edm.Int64' | 'Edm.Guid' | 'Edm.Boolean';
export type Value = string | number | boolean | Date | null;
export type Row = Record<string, Value>;

export interface Report {
  name: string;
  key: string;
  properties: readonly { name: string; type: EdmType }[];
  /** Every row of the tenant; MessageTrace's rows are within [from, to]. */
  rows(mail: MailStore, tenant: Tenant, window: { from: Date; to: Date; today: Date }): Promise<Row[]>;
}

const MESSAGE_TRACE: Report = {
  name: 'MessageTrace',
  key: 'Index',
  properties: [
    { name: 'Organization', type: 'Edm.String' },
    { name: 'MessageId', type: 'Edm.String' },
    { name: 'Received', type: 'Edm.DateTime' },
    { name: 'SenderAddress', type: 'Edm.String' },
    { name: 'RecipientAddress', type: 'Edm.String' },
    { name: 'Subject', type: 'Edm.String' },
    { name: 'Status', type: 'Edm.String' },
    { name: 'ToIP', type: 'Edm.String' },
    { name: 'FromIP', type: 'Edm.String' },
    { name: 'Size', type: 'Edm.Int32' },
    { name: 'MessageTraceId', type: 'Edm.Guid' },
    { name: 'StartDate', type: 'Edm.DateTime' },
    { name: 'EndDate', type: 'Edm.DateTime' },
    { name: 'Index', type: 'Edm.Int32' },
  ],
  async rows(mail, tenant, window) {
    const found: Row[] = [];
    const trace = (t: { received: Date; sender: string | null; recipient: string; subject: string | null; messageId: string | null; size: number }) => {
      if (t.received < window.from || t.received > window.to) return;
      found.push({
        Organization: tenant.domains[0],
        MessageId: t.messageId,
        Received: t.received,
        SenderAddress: t.sender,
        RecipientAddress: t.recipient,
        Subject: t.subject,
        // Captured mail (addressed outside every tenant) counts as delivered: Exchange Online
        // would have relayed it; exogate keeps it instead.
        Status: 'Delivered',
        ToIP: null,
        FromIP: null,
        Size: t.size,
        MessageTraceId: traceId(t.messageId ?? `${t.sender}|${t.received.getTime()}|${t.size}`),
        StartDate: window.from,
        EndDate: window.to,
        Index: 0,
      });
    };
    for (const user of tenant.users.values()) {
      for (const folder of await mail.folders(user.id)) {
        if (NOT_RECEIVED_FOLDERS.has(folder.name)) continue;
        const index = await mail.index(folder.id);
        const inWindow = index.filter((m) => m.internalDate >= window.from && m.internalDate <= window.to);
        const contents = await mail.contents(
          folder.id,
          inWindow.map((m) => m.uid),
        );
        for (const meta of inWindow) {
          const envelope = contents.get(meta.uid)?.structure.envelope;
          trace({
            received: meta.internalDate,
            sender: address(envelope?.from),
            recipient: user.upn,
            subject: envelope?.subject ?? null,
            messageId: envelope?.messageId ?? null,
            size: meta.size,
          });
        }
      }
    }
    for (const out of await mail.captured(tenant.id)) {
      const envelope = parseMessage(out.body).envelope;
      for (const rcpt of out.rcptTo) {
        trace({ received: out.createdAt, sender: out.mailFrom || address(envelope.from), recipient: rcpt, subject: envelope.subject, messageId: envelope.messageId, size: out.size });
      }
    }
    // Newest first, numbered in that order (Index is the row's place in the whole result).
    found.sort((a, b) => (b.Received as Date).getTime() - (a.Received as Date).getTime());
    found.forEach((row, i) => (row.Index = i));
    return found;
  },
};

const MAILBOX_USAGE_DETAIL: Report = {
  name: 'MailboxUsageDetail',
  key: 'WindowsLiveID',
  properties: [
    { name: 'Date', type: 'Edm.DateTime' },
    { name: 'TenantGuid', type: 'Edm.Guid' },
    { name: 'TenantName', type: 'Edm.String' },
    { name: 'WindowsLiveID', type: 'Edm.String' },
    { name: 'UserName', type: 'Edm.String' },
    { name: 'MailboxSize', type: 'Edm.Int64' },
    { name: 'CurrentMailboxSize', type: 'Edm.Int64' },
    { name: 'PercentUsed', type: 'Edm.Int64' },
    { name: 'MailboxPlan', type: 'Edm.String' },
    { name: 'IsInactive', type: 'Edm.Boolean' },
  ],
  async rows(mail, tenant, window) {
    const rows: Row[] = [];
    for (const user of tenant.users.values()) {
      let size = 0;
      for (const folder of await mail.folders(user.id)) for (const m of await mail.index(folder.id)) size += m.size;
      rows.push({
        Date: window.today,
        TenantGuid: tenant.id,
        TenantName: tenant.domains[0],
        WindowsLiveID: user.upn,
        UserName: user.displayName,
        MailboxSize: MAILBOX_QUOTA_BYTES,
        CurrentMailboxSize: size,
        PercentUsed: Math.floor((size * 100) / MAILBOX_QUOTA_BYTES),
        MailboxPlan: MAILBOX_PLAN,
        // exogate does not track when a mailbox was last opened: every mailbox counts as active.
        IsInactive: false,
      });
    }
    return rows.sort((a, b) => String(a.WindowsLiveID).localeCompare(String(b.WindowsLiveID)));
  },
};

export const REPORTS: ReadonlyMap<string, Report> = new Map([MESSAGE_TRACE, MAILBOX_USAGE_DETAIL].map((r) => [r.name.toLowerCase(), r]));

function address(list: Address[] | null | undefined): string | null {
  const first = list?.find((a) => a.mailbox && a.host);
  return first ? `${first.mailbox}@${first.host}`.toLowerCase() : null;
}

/** One trace id per message, the same for every recipient of it, as Exchange keeps one. */
function traceId(seed: string): string {
  const h = createHash('sha1').update(seed).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-${((parseInt(h[16], 16) & 3) | 8).toString(16)}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}
