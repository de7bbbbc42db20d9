// Small renderings shared by IMAP commands.
import { encodeMailboxName } from './utf7.js';

const ATOM_SAFE = /^[!#$&'+,\-./0-9:;<=>?@A-Z^_`a-z|}~\[]+$/;

/** A quoted string (7-bit, no CR/LF, which names and flags always are after encoding). */
export function quoted(text: string): string {
  return `"${text.replace(/["\\]/g, (c) => `\\${c}`)}"`;
}

/** A mailbox name as Exchange writes it: an atom when it can be one, else quoted; mUTF-7 always. */
export function mailboxOut(name: string): string {
  const wire = encodeMailboxName(name);
  return wire !== 'NIL' && ATOM_SAFE.test(wire) ? wire : quoted(wire);
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** INTERNALDATE: "17-Jul-1996 02:44:25 +0000" (RFC 3501 date-time), in UTC. */
export function internalDate(d: Date): string {
  const day = String(d.getUTCDate()).padStart(2, '0');
  const time = d.toISOString().slice(11, 19);
  return `"${day}-${MONTHS[d.getUTCMonth()]}-${d.getUTCFullYear()} ${time} +0000"`;
}

/** RFC 3501 date-time or date ("1-Feb-1994", "01-Feb-1994 21:05:01 +0100"); null if unreadable. */
export function parseImapDate(text: string, withTime: boolean): Date | null {
  const m = withTime
    ? /^\s?(\d{1,2})-([A-Za-z]{3})-(\d{4}) (\d\d):(\d\d):(\d\d) ([+-])(\d\d)(\d\d)$/.exec(text)
    : /^(\d{1,2})-([A-Za-z]{3})-(\d{4})$/.exec(text);
  if (!m) return null;
  const month = MONTHS.findIndex((x) => x.toLowerCase() === m[2].toLowerCase());
  if (month < 0) return null;
  if (!withTime) return new Date(Date.UTC(Number(m[3]), month, Number(m[1])));
  const offset = (Number(m[8]) * 60 + Number(m[9])) * (m[7] === '+' ? 1 : -1);
  const ms = Date.UTC(Number(m[3]), month, Number(m[1]), Number(m[4]), Number(m[5]), Number(m[6])) - offset * 60_000;
  return Number.isNaN(ms) ? null : new Date(ms);
}

export function flagList(flags: readonly string[]): string {
  return `(${flags.join(' ')})`;
}

/** The flags exogate keeps, as Exchange Online lists them after SELECT. */
export const SYSTEM_FLAGS = ['\\Seen', '\\Answered', '\\Flagged', '\\Deleted', '\\Draft', '$MDNSent'];
