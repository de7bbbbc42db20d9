// The binary request and response bodies of the MAPI/HTTP request types exogate answers
// (MS-OXCMAPIHTTP §2.2.4, §2.2.5). All integers are little-endian; ASCII strings end in one
// NUL byte, Unicode (UTF-16LE) strings in two.
import { EC_NOT_SUPPORTED, SESSION } from './replies.js';

/** Reads a request body; any overrun is a malformed body, never an exception that escapes. */
class Reader {
  #offset = 0;
  constructor(readonly buf: Buffer) {}

  u32(): number {
    if (this.#offset + 4 > this.buf.length) throw new RangeError('truncated');
    const value = this.buf.readUInt32LE(this.#offset);
    this.#offset += 4;
    return value;
  }

  u8(): number {
    if (this.#offset + 1 > this.buf.length) throw new RangeError('truncated');
    return this.buf[this.#offset++];
  }

  skip(n: number): void {
    if (this.#offset + n > this.buf.length) throw new RangeError('truncated');
    this.#offset += n;
  }

  asciiz(): string {
    const end = this.buf.indexOf(0, this.#offset);
    if (end < 0) throw new RangeError('unterminated string');
    const value = this.buf.toString('latin1', this.#offset, end);
    this.#offset = end + 1;
    return value;
  }

  get remaining(): number {
    return this.buf.length - this.#offset;
  }
}

/** The auxiliary buffer that ends every body: a size, then exactly that many bytes. */
function auxiliary(r: Reader): void {
  const size = r.u32();
  r.skip(size);
  if (r.remaining !== 0) throw new RangeError('trailing bytes');
}

export interface ConnectRequest {
  userDn: string;
  flags: number;
  codePage: number;
}

/** Connect (§2.2.4.1.1): UserDn, Flags, DefaultCodePage, LcidSort, LcidString, auxiliary buffer. */
export function parseConnect(body: Buffer): ConnectRequest | null {
  try {
    const r = new Reader(body);
    const userDn = r.asciiz();
    const flags = r.u32();
    const codePage = r.u32();
    r.u32();
    r.u32();
    auxiliary(r);
    return { userDn, flags, codePage };
  } catch {
    return null;
  }
}

/** Bind (§2.2.5.1.1): Flags, HasState, optional 36-byte STAT, auxiliary buffer. */
export function parseBind(body: Buffer): { flags: number } | null {
  try {
    const r = new Reader(body);
    const flags = r.u32();
    if (r.u8()) r.skip(36);
    auxiliary(r);
    return { flags };
  } catch {
    return null;
  }
}

class Writer {
  readonly #parts: Buffer[] = [];

  u32(value: number): this {
    const b = Buffer.alloc(4);
    b.writeUInt32LE(value >>> 0);
    this.#parts.push(b);
    return this;
  }

  asciiz(value: string): this {
    this.#parts.push(Buffer.from(`${value}\0`, 'latin1'));
    return this;
  }

  unicodez(value: string): this {
    this.#parts.push(Buffer.from(`${value}\0`, 'utf16le'));
    return this;
  }

  guid(value: string): this {
    this.#parts.push(guidBytes(value));
    return this;
  }

  /** An empty auxiliary buffer: exogate sends no auxiliary blocks. */
  noAuxiliary(): Buffer {
    this.u32(0);
    return Buffer.concat(this.#parts);
  }
}

/** Connect's success body (§2.2.4.1.2). */
export function connectSuccess(dnPrefix: string, displayName: string): Buffer {
  return new Writer()
    .u32(0)
    .u32(0)
    .u32(SESSION.maxPollingIntervalMs)
    .u32(SESSION.maxRetryCount)
    .u32(SESSION.retryDelayMs)
    .asciiz(dnPrefix)
    .unicodez(displayName)
    .noAuxiliary();
}

/** Bind's success body (§2.2.5.1.2): StatusCode, ErrorCode, ServerGuid. */
export function bindSuccess(serverGuid: string): Buffer {
  return new Writer().u32(0).u32(0).guid(serverGuid).noAuxiliary();
}

/** Disconnect and Unbind: StatusCode, ErrorCode and nothing else. */
export function emptySuccess(): Buffer {
  return new Writer().u32(0).u32(0).noAuxiliary();
}

/** NotificationWait (§2.2.4.4.2): no event pending. */
export function notificationWaitSuccess(): Buffer {
  return new Writer().u32(0).u32(0).u32(0).noAuxiliary();
}

/** GetMailboxUrl / GetAddressBookUrl (§2.2.5.19-20): a Unicode URL. */
export function urlSuccess(url: string): Buffer {
  return new Writer().u32(0).u32(0).unicodez(url).noAuxiliary();
}

/** Every request type's failure body: a non-zero StatusCode and an auxiliary buffer. */
export function notSupported(): Buffer {
  return new Writer().u32(EC_NOT_SUPPORTED).noAuxiliary();
}

/** A GUID in its wire order (the first three fields little-endian, as Windows stores a GUID). */
function guidBytes(guid: string): Buffer {
  const hex = guid.replace(/-/g, '');
  if (!/^[0-9a-f]{32}$/i.test(hex)) throw new RangeError(`not a GUID: ${guid}`);
  const b = Buffer.from(hex, 'hex');
  return Buffer.concat([Buffer.from(b.subarray(0, 4)).reverse(), Buffer.from(b.subarray(4, 6)).reverse(), Buffer.from(b.subarray(6, 8)).reverse(), b.subarray(8)]);
}
