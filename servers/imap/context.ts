// What an IMAP session needs from the rest of the gateway.
import type { SecureContext } from 'node:tls';
import type { Logger } from 'pino';
import type { AuthCore } from '../../core/auth/core.js';
import type { Clock } from '../../core/clock.js';
import type { Limits } from '../../core/config.js';
import type { FrontEnds } from '../../core/frontends.js';
import type { MailStore } from '../../core/mail/store.js';
import type { Directory } from '../../core/tenants/directory.js';
import type { Counter } from '../wire/counter.js';
import type { FolderWatchers } from './watchers.js';

export interface ImapContext {
  auth: AuthCore;
  directory: Directory;
  mail: MailStore;
  clock: Clock;
  limits: Limits;
  log: Logger;
  frontEnds: FrontEnds;
  /** For STARTTLS. */
  secureContext: SecureContext;
  /** For the implicit-TLS listener. */
  certificate: { key: string; cert: string };
  /** IMAP sessions per mailbox (reference §2.6: 20). */
  mailboxSessions: Counter;
  ipConnections: Counter;
  /** Sessions that have a folder selected, by folder, for untagged updates. */
  watchers: FolderWatchers;
}
