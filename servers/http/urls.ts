// What the HTTPS protocols say about exogate itself: its own base URL (exogate answers with its
// own endpoints, on the host and port a request came in on, so a client that discovers through
// it keeps talking to it) and the names Exchange gives a mailbox in Autodiscover and Outlook.
import type { Request } from 'express';
import type { User } from '../../core/tenants/model.js';

const HOST = /^(?:[A-Za-z0-9.-]+|\[[0-9A-Fa-f:.]+\])(?::\d{1,5})?$/;

/** The administrative group every Exchange Online legacy DN starts with. */
export const LEGACY_DN_ORG = '/o=ExchangeLabs/ou=Exchange Administrative Group (FYDIBOHF23SPDLT)';

/** `https://<Host header>`, or the listener's own address when the header is missing or odd (never echoed unchecked). */
export function baseUrl(req: Request): string {
  const host = req.headers.host;
  if (host && HOST.test(host)) return `https://${host}`;
  const local = req.socket.localAddress ?? '127.0.0.1';
  return `https://${local.includes(':') ? `[${local}]` : local}:${req.socket.localPort ?? 443}`;
}

/** A query parameter as IIS/ASP.NET read it: name in any case, the first value of a repeated one. */
export function queryParam(req: Request, name: string): string | undefined {
  const lower = name.toLowerCase();
  const entry = Object.entries(req.query).find(([k]) => k.toLowerCase() === lower);
  const value = entry ? (Array.isArray(entry[1]) ? entry[1][0] : entry[1]) : undefined;
  return typeof value === 'string' ? value : undefined;
}

/** The mailbox GUID Exchange routes by (`<guid>@<domain>`): exogate uses the user's own id, a GUID already. */
export function mailboxId(user: User): string {
  return `${user.id}@${user.upn.slice(user.upn.lastIndexOf('@') + 1)}`;
}

/** Exchange Online's recipient legacy DN: `cn=<guid without dashes>-<alias>`. */
export function legacyDn(user: User): string {
  const alias = user.upn.slice(0, user.upn.lastIndexOf('@'));
  return `${LEGACY_DN_ORG}/cn=Recipients/cn=${user.id.replace(/-/g, '')}-${alias}`;
}
