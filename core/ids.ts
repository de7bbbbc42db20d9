// Identifiers. Sign-in records get time-ordered GUIDs (UUID version 7): still GUIDs to every
// reader, and they arrive in index order, which keeps the store's inserts cheap and gives the
// sign-in log a stable order for paging.
import { randomFillSync } from 'node:crypto';

const HEX: string[] = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));
const POOL_BYTES = 16 * 1024;
const pool = Buffer.alloc(POOL_BYTES);
let offset = POOL_BYTES;
let lastMs = -1;
let sequence = 0;

/** `bytes` random bytes as lower-case hex, from the same pool (a greeting's id costs no system call). */
export function randomHex(bytes: number): string {
  if (offset + bytes > POOL_BYTES) {
    randomFillSync(pool);
    offset = 0;
  }
  let out = '';
  for (let i = 0; i < bytes; i++) out += HEX[pool[offset + i]];
  offset += bytes;
  return out;
}

/** A UUIDv7 for `ms`: 48 bits of time, a 12-bit sequence within the millisecond, 62 random bits (RFC 9562). */
export function uuidv7(ms: number): string {
  if (offset + 8 > POOL_BYTES) {
    randomFillSync(pool);
    offset = 0;
  }
  if (ms === lastMs) sequence = (sequence + 1) & 0xfff;
  else {
    lastMs = ms;
    sequence = pool[offset] & 0x7ff; // a random start leaves room to count up within the ms
  }
  const high = Math.floor(ms / 2 ** 16);
  const low = ms % 2 ** 16;
  const r = pool;
  const o = offset;
  offset += 8;
  return (
    HEX[(high >>> 24) & 0xff] +
    HEX[(high >>> 16) & 0xff] +
    HEX[(high >>> 8) & 0xff] +
    HEX[high & 0xff] +
    '-' +
    HEX[low >>> 8] +
    HEX[low & 0xff] +
    '-' +
    HEX[0x70 | (sequence >>> 8)] +
    HEX[sequence & 0xff] +
    '-' +
    HEX[0x80 | (r[o] & 0x3f)] +
    HEX[r[o + 1]] +
    '-' +
    HEX[r[o + 2]] +
    HEX[r[o + 3]] +
    HEX[r[o + 4]] +
    HEX[r[o + 5]] +
    HEX[r[o + 6]] +
    HEX[r[o + 7]]
  );
}
