// The programme API's HTTP answers: each diagnostic outcome's status code (the texts themselves
// live once, in core/programme/texts.ts). Who may not run it is 403, a diagnostic that no longer
// exists 410, a request the tenant's state refuses 409, a malformed choice 400 (choices).
import type { DiagnosticTextKey } from '../../../core/programme/texts.js';

export const REFUSAL_STATUS: Readonly<Partial<Record<DiagnosticTextKey, number>>> = Object.freeze({
  notGlobalAdmin: 403,
  delegatedAdmin: 403,
  gcc: 403,
  windowClosed: 410,
  dehydrated: 409,
  optOutOnly: 409,
  optOutClosed: 409,
  notDisabled: 409,
  alreadyReenabled: 409,
  nothingPending: 409,
  alreadyDisabled: 409,
  smtpAuth: 400,
  unknownProtocol: 400,
  unknownAction: 400,
  onePerRun: 400,
  warningNotAccepted: 400,
});

export function refusalStatus(code: DiagnosticTextKey): number {
  return REFUSAL_STATUS[code] ?? 400;
}

/** The refusal body: a stable code (the text's key) and the text. */
export function refusalBody(code: DiagnosticTextKey, message: string): { error: { code: string; message: string } } {
  return { error: { code, message } };
}
