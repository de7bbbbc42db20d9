// MIME structure for the IMAP server: a message is parsed once (parseMessage) into plain JSON
// that is stored beside it; ENVELOPE, BODY, BODYSTRUCTURE and every BODY[section] are then
// rendered or sliced from that structure and the raw bytes, without parsing again. The pieces:
//   mime/parse.ts    the parser (boundaries, nesting, limits)
//   mime/fields.ts   Content-Type, -Disposition, -Transfer-Encoding, -Language
//   mime/address.ts  address lists for ENVELOPE
//   mime/render.ts   imapString, ENVELOPE, BODY/BODYSTRUCTURE (and the rendering choices)
//   mime/section.ts  BODY[section] grammar and extraction
export { parseMessage } from './mime/parse.js';
export { imapString, renderBodyStructure, renderEnvelope } from './mime/render.js';
export { extractSection, parseSection, renderSection, type SectionSpec, type SectionText } from './mime/section.js';
export {
  MAX_BOUNDARY_LENGTH,
  MAX_DEPTH,
  MAX_PARTS,
  STRUCTURE_VERSION,
  type Address,
  type BodyPart,
  type Disposition,
  type EncapsulatedMessage,
  type Envelope,
  type MessageStructure,
  type Param,
} from './mime/types.js';
