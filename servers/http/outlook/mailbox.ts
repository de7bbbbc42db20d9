// Which mailbox an Outlook request names, and the names Exchange gives a mailbox. Outlook
// routes by mailbox GUID (`?MailboxId=<guid>@<domain>` on MAPI/HTTP, `?<guid>@<domain>:6001`
// on RPC/HTTP); exogate's mailbox GUID is the user's id, as Autodiscover hands it out.
import type { Request } from 'express';
import type { Directory } from '../../../core/tenants/directory.js';
import { anchorMailbox } from '../auth/gate.js';
const GUID_AT = /^([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})@[^\s@:]+(?::\d+)?$/i;


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
