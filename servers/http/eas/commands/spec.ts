// One ActiveSync command: which body it takes, whether it needs a provisioned device, and its
// handler. Handlers get the decoded document and answer with a document, an empty 200, or one
// of the HTTP errors of ../replies.ts; they never see bytes or express.
import type { Decision } from '../../../../core/auth/attempt.js';
import type { Tenant, User } from '../../../../core/tenants/model.js';
import type { HttpContext } from '../../context.js';
import type { EasHttpError } from '../replies.js';
import type { EasParams } from '../request.js';
import type { DeviceState } from '../state.js';
import type { PingWatchers } from '../watchers.js';
import type { WbxmlElement } from '../wbxml/codec.js';

export interface EasRequest {
  ctx: HttpContext;
  decision: Decision;
  tenant: Tenant;
  mailbox: User;
  params: EasParams;
  /** The protocol version as a number (16.1 → 16.1). */
  version: number;
  device: DeviceState;
  /** The decoded WBXML body; null for an empty body. */
  doc: WbxmlElement | null;
  /** The raw body (SendMail 12.x carries MIME, not WBXML). */
  raw: Buffer;
  contentType: string;
  /** The host names Message-IDs are made up with. */
  messageIdHost: string;
  /** Aborted when the client goes away (Ping waits on it). */
  signal: AbortSignal;
  /** Where a Ping waits for mail (one store listener for the whole service). */
  watchers: PingWatchers;
}

export type EasResult = { doc: WbxmlElement } | { empty: true } | { http: EasHttpError };

export interface CommandSpec {
  name: string;
  /** Runs without a provisioned policy key (only Provision itself). */
  beforeProvisioning?: boolean;
  /** May wait (Ping): runs outside the device's command lock. */
  long?: boolean;
  /** Accepts a body that is not WBXML (SendMail 12.x: message/rfc822). */
  mimeBody?: boolean;
  /** The command's top-level element, for the Status 142/144 answer of protocol 14 and later. */
  root: readonly [namespace: string, tag: string];
  handle(req: EasRequest): Promise<EasResult>;
}

export const reply = (doc: WbxmlElement): EasResult => ({ doc });
export const EMPTY: EasResult = { empty: true };

export function int(value: string | undefined): number | undefined {
  if (value === undefined || !/^\s*-?\d+\s*$/.test(value)) return undefined;
  const n = Number(value);
  return Number.isSafeInteger(n) ? n : undefined;
}
