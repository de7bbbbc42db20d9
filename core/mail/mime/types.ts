// The shape parseMessage() produces: plain JSON (objects, arrays, strings, numbers, null), so it
// can be stored as jsonb once per message and reused for every FETCH. Strings hold header bytes
// as latin1, one char per byte, so 8-bit headers survive the round trip and render back
// byte for byte (`Buffer.from(s, 'latin1')` gives the original bytes).

/** Bumped whenever the shape or the parse rules change, so stored structures can be rebuilt. */
export const STRUCTURE_VERSION = 1;

/**
 * Deepest nesting that is opened. The root is depth 0; a multipart's children and a
 * message/rfc822's encapsulated message are one deeper. A multipart or message/rfc822 at this
 * depth is kept whole, as an opaque leaf. Dovecot allows 100; 32 is plenty for real mail.
 */
export const MAX_DEPTH = 32;

/**
 * Most entities described in one structure, root included (Dovecot's max_total_mime_parts
 * default). Past it, boundaries are still followed so every size stays right, but further
 * parts are not described and cannot be fetched by number.
 */
export const MAX_PARTS = 10_000;

/** Boundaries are compared on at most this many bytes (RFC 2046 §5.1.1's limit; Dovecot truncates the same way). */
export const MAX_BOUNDARY_LENGTH = 70;

/** A MIME parameter: attribute as written, value unquoted. RFC 2231 continuations are left as they are. */
export type Param = [attribute: string, value: string];

/**
 * An ENVELOPE address (RFC 3501 §7.4.2). A group is a start marker (mailbox = the group's
 * name, host null) followed by its members and an end marker (all four null).
 */
export interface Address {
  name: string | null;
  adl: string | null;
  mailbox: string | null;
  host: string | null;
}

/** ENVELOPE fields: raw (unfolded) header values; sender and reply-to already default to from. */
export interface Envelope {
  date: string | null;
  subject: string | null;
  from: Address[] | null;
  sender: Address[] | null;
  replyTo: Address[] | null;
  to: Address[] | null;
  cc: Address[] | null;
  bcc: Address[] | null;
  inReplyTo: string | null;
  messageId: string | null;
}

export interface Disposition {
  /** Lower case. */
  type: string;
  params: Param[];
}

/** One MIME entity: the message itself, a multipart's child, or an encapsulated message. */
export interface BodyPart {
  /** First byte of the entity's header in the raw message. */
  headerStart: number;
  /** End of the header fields: where the blank line starts, if there is one. */
  headerEnd: number;
  /** First byte of the body, after the blank line; equals headerEnd when there is no blank line. */
  bodyStart: number;
  /** End of the body; the line break before a boundary belongs to the boundary (RFC 2046 §5.1.1). */
  bodyEnd: number;
  /** Lower case; "text"/"plain" when absent or unreadable (RFC 2045 §5.2). */
  type: string;
  subtype: string;
  params: Param[];
  id: string | null;
  description: string | null;
  /** Content-Transfer-Encoding, lower case; null when absent or not a single token (rendered 7BIT). */
  encoding: string | null;
  /** Body size in octets, as stored (bodyEnd - bodyStart). */
  size: number;
  /** Line count (LF bytes in the body) for text/* and message/rfc822, otherwise null. */
  lines: number | null;
  md5: string | null;
  disposition: Disposition | null;
  language: string[] | null;
  location: string | null;
  /** A multipart's children, in order; empty for anything else. */
  parts: BodyPart[];
  /** For an opened message/rfc822: the encapsulated message. */
  message: EncapsulatedMessage | null;
  /** A multipart or message/rfc822 left unopened because of MAX_DEPTH or MAX_PARTS. */
  opaque: boolean;
}

export interface EncapsulatedMessage {
  envelope: Envelope;
  body: BodyPart;
}

export interface MessageStructure extends EncapsulatedMessage {
  version: typeof STRUCTURE_VERSION;
  /** Length of the raw message. */
  size: number;
  /** Whether MAX_DEPTH or MAX_PARTS left something undescribed. */
  truncated: boolean;
}
