// Passwords, app passwords and client secrets are stored as scrypt hashes. scrypt is slow on
// purpose (milliseconds), which a sign-in hot path cannot pay on every attempt; a verified
// result is therefore remembered under a keyed digest of (stored hash, secret), never the
// secret itself, so a repeated sign-in costs one SHA-256 (DESIGN.md "Non-negotiables").
import { hash as digest, randomBytes, scrypt, timingSafeEqual } from 'node:crypto';

const KEY_BYTES = 32;
const R = 8;
const P = 1;

function scryptAsync(secret: string, salt: Buffer, cost: number): Promise<Buffer> {
  const N = 2 ** cost;
  return new Promise((resolve, reject) =>
    scrypt(secret, salt, KEY_BYTES, { N, r: R, p: P, maxmem: 256 * N * R + 1024 * 1024 }, (err, key) => (err ? reject(err) : resolve(key))),
  );
}

/** `scrypt$<cost>$<r>$<p>$<salt b64>$<key b64>` */
export async function hashSecret(secret: string, cost: number): Promise<string> {
  const salt = randomBytes(16);
  const key = await scryptAsync(secret, salt, cost);
  return `scrypt$${cost}$${R}$${P}$${salt.toString('base64')}$${key.toString('base64')}`;
}

export async function verifySecretSlow(secret: string, stored: string): Promise<boolean> {
  const parts = stored.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return false;
  const cost = Number(parts[1]);
  const expected = Buffer.from(parts[5], 'base64');
  const key = await scryptAsync(secret, Buffer.from(parts[4], 'base64'), cost);
  return key.length === expected.length && timingSafeEqual(key, expected);
}

/** Verifies secrets against stored hashes, remembering answers in a bounded cache. */
export class SecretVerifier {
  readonly #pepper = randomBytes(32).toString('base64');
  readonly #cache = new Map<string, boolean>();
  hits = 0;
  misses = 0;

  constructor(readonly maxEntries: number) {}

  /** The answer if it is known without scrypt, else undefined. */
  known(secret: string, stored: string): boolean | undefined {
    const answer = this.#cache.get(this.#key(secret, stored));
    if (answer !== undefined) this.hits++;
    return answer;
  }

  async verify(secret: string, stored: string): Promise<boolean> {
    const key = this.#key(secret, stored);
    const cached = this.#cache.get(key);
    if (cached !== undefined) {
      this.hits++;
      return cached;
    }
    this.misses++;
    const ok = await verifySecretSlow(secret, stored);
    if (this.#cache.size >= this.maxEntries) this.#cache.delete(this.#cache.keys().next().value!);
    this.#cache.set(key, ok);
    return ok;
  }

  /** Tells secrets apart (smart lockout's "same bad password") without keeping them. */
  fingerprint(secret: string): string {
    return digest('sha256', `${this.#pepper}\0fingerprint\0${secret}`, 'base64');
  }

  /** Stored hashes by a short number, so the digest per attempt covers a short input. */
  readonly #storedIds = new Map<string, number>();

  #key(secret: string, stored: string): string {
    let id = this.#storedIds.get(stored);
    if (id === undefined) {
      // Bounded like the cache: password changes leave old hashes behind.
      if (this.#storedIds.size >= this.maxEntries) {
        this.#storedIds.clear();
        this.#cache.clear();
      }
      this.#storedIds.set(stored, (id = this.#storedIds.size));
    }
    return digest('sha256', `${this.#pepper}\0${id}\0${secret}`, 'base64');
  }
}
