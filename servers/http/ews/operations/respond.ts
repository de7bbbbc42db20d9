// The response envelope of every operation: m:<Op>Response / m:ResponseMessages /
// m:<Op>ResponseMessage, with ResponseClass, ResponseCode and, for errors, MessageText and
// DescriptiveLinkKey before the payload — the order EWS's schema gives them.
import type { EwsError } from '../replies.js';
import { el, type Out } from '../xml.js';

export function response(op: string, messages: Out[]): Out {
  return el(`m:${op}Response`, null, [el('m:ResponseMessages', null, messages)]);
}

export function success(op: string, payload: (Out | null)[] = []): Out {
  return el(`m:${op}ResponseMessage`, { ResponseClass: 'Success' }, [el('m:ResponseCode', null, 'NoError'), ...payload]);
}

export function failure(op: string, error: EwsError, payload: (Out | null)[] = [], responseClass: 'Error' | 'Warning' = 'Error'): Out {
  return el(`m:${op}ResponseMessage`, { ResponseClass: responseClass }, [
    el('m:MessageText', null, error.text),
    el('m:ResponseCode', null, error.code),
    el('m:DescriptiveLinkKey', null, 0),
    ...payload,
  ]);
}

export const isError = (v: object): v is EwsError => 'code' in v && 'text' in v;
