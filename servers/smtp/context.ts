// What an SMTP session needs from the rest of the gateway.
import type { Logger } from 'pino';
import type { AuthCore } from '../../core/auth/core.js';
import type { Clock } from '../../core/clock.js';
import type { Limits } from '../../core/config.js';
import type { FrontEnds } from '../../core/frontends.js';
import type { MailStore } from '../../core/mail/store.js';
import type { Directory } from '../../core/tenants/directory.js';
import type { Counter } from '../wire/counter.js';

export interface SmtpContext {
  auth: AuthCore;
  directory: Directory;
  mail: MailStore;
  clock: Clock;
  limits: Limits;
  log: Logger;
  frontEnds: FrontEnds;
  /** Authenticated sessions per mailbox (reference §4.3: three). */
  mailboxSessions: Counter;
  /** Open connections per client address. */
  ipConnections: Counter;
  /** Optional raw protocol trace hook (C:/S: lines and translations). */
  trace?: (cid: string, what: string, line: string, detail?: string) => void;
}

/** session.user after a successful AUTH. */
export interface SmtpSessionUser {
  username: string;
  mailboxId: string;
  mailboxUpn: string;
  tenantId: string;
  /** The signed-in user, or null for an app-only token. */
  signerId: string | null;
  appObjectId: string | null;
}
