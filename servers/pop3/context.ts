// What a POP3 session needs from the rest of the gateway.
import type { SecureContext } from 'node:tls';
import type { Logger } from 'pino';
import type { AuthCore } from '../../core/auth/core.js';
import type { Clock } from '../../core/clock.js';
import type { Limits } from '../../core/config.js';
import type { FrontEnds } from '../../core/frontends.js';
import type { MailStore } from '../../core/mail/store.js';
import type { Counter } from '../wire/counter.js';

export interface Pop3Context {
  auth: AuthCore;
  mail: MailStore;
  clock: Clock;
  limits: Limits;
  log: Logger;
  frontEnds: FrontEnds;
  /** For STLS. */
  secureContext: SecureContext;
  /** For the implicit-TLS listener. */
  certificate: { key: string; cert: string };
  /** POP3 connections per client address (POP3's own count, apart from IMAP's). */
  ipConnections: Counter;
  /** The maildrop lock (RFC 1939 §8): a Counter of limit 1, keyed by mailbox id, held in TRANSACTION. */
  maildropLocks: Counter;
}
