// Every answer of the admin REST API (InvokeCommand), in the shapes Exchange Online's V3
// management module reads: OData JSON with `value` and `@adminapi.warnings` on success, and
// `{"error":{code, message, details, innererror}}` on failure. Shapes mirror public captures of
// the service (see core/cmdlets/errors.ts); `stacktrace` is always empty — no stack trace leaves
// the gateway.
import { CmdletError, UNCONFIRMED_TEXTS } from '../../../core/cmdlets/errors.js';
import { odataObject } from '../../../core/cmdlets/render.js';
import type { CmdletObject } from '../../../core/cmdlets/spec.js';

export const ODATA_JSON = 'application/json;odata.metadata=minimal;odata.streaming=true;IEEE754Compatible=false;charset=utf-8';
const ODATA_EXCEPTION = 'Microsoft.Exchange.Admin.OData.Core.ODataServiceException';
const WARNINGS = { 'adminapi.warnings@odata.type': '#Collection(String)', '@adminapi.warnings': [] as string[] };

export interface AdminReply {
  status: number;
  body: Record<string, unknown>;
}

export function success(contextUrl: string, objects: readonly CmdletObject[]): AdminReply {
  return { status: 200, body: { '@odata.context': contextUrl, ...WARNINGS, value: objects.map(odataObject) } };
}

/** HTTP status, OData code and top-level message for each kind of cmdlet error. */
const STATUS: Record<CmdletError['kind'], { status: number; code: string; message: string | null }> = {
  'not-found': { status: 404, code: 'NotFound', message: 'Error executing cmdlet' },
  task: { status: 400, code: 'BadRequest', message: 'Error executing cmdlet' },
  parameter: { status: 400, code: 'BadRequest', message: 'Invalid Operation' },
  syntax: { status: 400, code: 'BadRequest', message: 'Invalid Operation' },
  // UNCONFIRMED: no capture of an unknown cmdlet name sent to InvokeCommand.
  'unknown-cmdlet': { status: 400, code: 'BadRequest', message: 'Invalid Operation' },
  // Captured (2021): RBAC's refusal is a 401 whose message is the text itself, with a short innererror.
  'not-allowed': { status: 401, code: 'Unauthorized', message: null },
};

export function cmdletFailure(error: CmdletError): AdminReply {
  const text = error.messageFor('rest');
  const type = error.typeFor('rest');
  const s = STATUS[error.kind];
  if (s.message === null) {
    return { status: s.status, body: { error: { code: s.code, message: text, innererror: { message: text, type } } } };
  }
  return {
    status: s.status,
    body: {
      error: {
        code: s.code,
        message: s.message,
        details: [{ code: 'Client', target: '', message: `${error.errorId}|${type}|${text}` }],
        innererror: {
          message: s.message,
          type: ODATA_EXCEPTION,
          stacktrace: '',
          internalexception: { message: text, type, stacktrace: '' },
        },
        ...WARNINGS,
      },
    },
  };
}

/** A request the API cannot read: wrong content type, malformed JSON, no CmdletInput, too large. */
export function requestFailure(problem: 'content-type' | 'body' | 'too-large'): AdminReply {
  const text = problem === 'content-type' ? UNCONFIRMED_TEXTS.badContentType : problem === 'too-large' ? UNCONFIRMED_TEXTS.tooLarge : UNCONFIRMED_TEXTS.badBody;
  const status = problem === 'too-large' ? 413 : 400;
  const code = problem === 'too-large' ? 'RequestEntityTooLarge' : 'BadRequest';
  return { status, body: { error: { code, message: text, innererror: { message: text, type: ODATA_EXCEPTION, stacktrace: '' } } } };
}
