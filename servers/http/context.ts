// What the HTTPS listener's routes need from the rest of the gateway.
import type { Logger } from 'pino';
import type { AuthCore } from '../../core/auth/core.js';
import type { Clock } from '../../core/clock.js';
import type { Control } from '../../core/control.js';
import type { Limits } from '../../core/config.js';
import type { FrontEnds } from '../../core/frontends.js';
import type { IdentityPlatform } from '../../core/identity/platform.js';
import type { TokenService } from '../../core/identity/tokens.js';
import type { MailStore } from '../../core/mail/store.js';
import type { Programme } from '../../core/programme/programme.js';
import type { Sql } from '../../core/store/sql.js';
import type { Directory } from '../../core/tenants/directory.js';

export interface HttpContext {
  auth: AuthCore;
  identity: IdentityPlatform;
  tokens: TokenService;
  directory: Directory;
  mail: MailStore;
  control: Control;
  /** The deprecation programme: diagnostic, notices, usage (core/programme). */
  programme: Programme;
  /** The store, for the read-only queries of the sign-in log (core/signins/query.ts). */
  sql: Sql;
  clock: Clock;
  limits: Limits;
  log: Logger;
  frontEnds: FrontEnds;
  controlToken: string;
}
