// One EWS operation: the element name it answers in the messages namespace, and its handler.
// Handlers return the m:<Operation>Response element; per-item problems go inside it as
// ResponseClass="Error" messages, request-level ones are thrown as an EwsFault (HTTP 500).
import type { EwsSession } from '../session.js';
import type { Out, XmlElement } from '../xml.js';

export interface Operation {
  readonly name: string;
  run(op: XmlElement, session: EwsSession): Promise<Out>;
}
