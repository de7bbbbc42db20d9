// Which mailbox an Outlook request names, and the names Exchange gives a mailbox. Outlook
// routes by mailbox GUID (`?MailboxId=<guid>@<domain>` on MAPI/HTTP, `?<guid>@<domain>:6001`
// on RPC/HTTP); exogate's mailbox GUID is the user's id, as Autodiscover hands it out.
import type { Request } from 'express';
import type { Directory } from '../../../core/tenants/directory.js';
import type { User } from '../../../core/tenants/model.js';
import { anchorMailbox } from '../auth/gate.js';
import { DN_PREFIX } from './replies.js';

const HOST = /^(?:[A-Za-z0-9.-]+|\[[0-9A-Fa-f:.]+\])(?::\d{1,5})?$/;
const GUID_AT = /^([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})@[^\s@:]+(?::\d+)?$/i;

/** `https://<Host header>`, or the listener's own address when the header is missing or odd. */
export function baseUrl(req: Request): string {
  const host = req.headers.host;
  if (host && HOST.test(host)) return `https://${host}`;
  const local = req.socket.localAddress ?? '127.0.0.1';
  return `https://${local.includes(':') ? `[${local}]` : local}:${req.socket.localPort ?? 443}`;
}

export function mailboxId(user: User): string {
  return `${user.id}@${user.upn.slice(user.upn.lastIndexOf('@') + 1)}`;
}

export function legacyDn(user: User): string {
  return `${DN_PREFIX}/cn=Recipients/cn=${user.id.replace(/-/g, '')}-${user.upn.slice(0, user.upn.lastIndexOf('@'))}`;
}

/** The UPN behind `<guid>@<domain>` (with or without RPC's `:6001`), if that mailbox exists. */
function upnOfMailboxId(directory: Directory, value: string | undefined): string | undefined {
  const m = value ? GUID_AT.exec(value) : null;
  return m ? directory.userById(m[1].toLowerCase())?.upn : undefined;
}

/** MAPI/HTTP: the MailboxId query parameter, else X-AnchorMailbox. */
export function mapiMailbox(directory: Directory) {
  return (req: Request): string | undefined => {
    const entry = Object.entries(req.query).find(([k]) => k.toLowerCase() === 'mailboxid');
    const value = entry && typeof entry[1] === 'string' ? entry[1] : undefined;
    return upnOfMailboxId(directory, value) ?? anchorMailbox(req);
  };
}

/** RPC/HTTP: the RPC server named by the query string (`?<guid>@<domain>:6001`), else X-AnchorMailbox. */
export function rpcMailbox(directory: Directory) {
  return (req: Request): string | undefined => {
    const q = req.originalUrl.indexOf('?');
    let target = q >= 0 ? req.originalUrl.slice(q + 1) : '';
    try {
      target = decodeURIComponent(target);
    } catch {
      target = '';
    }
    return upnOfMailboxId(directory, target) ?? anchorMailbox(req);
  };
}
