// Signing keys, access and ID tokens, and their verification (reference §8.4). Tokens are real
// RS256 JWTs in Entra's v1 format (`ver: "1.0"`, `iss: https://sts.windows.net/{tid}/`), signed
// and verified with jose. The signing key is kept in the store so tokens outlive a restart.
import { randomUUID } from 'node:crypto';
import {
  base64url,
  calculateJwkThumbprint,
  compactVerify,
  createLocalJWKSet,
  exportJWK,
  generateKeyPair,
  importJWK,
  SignJWT,
  type JSONWebKeySet,
  type JWK,
} from 'jose';
import type { TokenProblem } from '../auth/attempt.js';
import type { Sql } from '../store/sql.js';

/** Resource servers accept tokens this far outside their lifetime (clock skew). */
export const TOKEN_CLOCK_SKEW_SEC = 300;

export const v1Issuer = (tenantId: string) => `https://sts.windows.net/${tenantId}/`;
export const v2Issuer = (tenantId: string) => `https://login.microsoftonline.com/${tenantId}/v2.0`;

export interface AccessTokenClaims {
  aud: string;
  iss: string;
  iat: number;
  nbf: number;
  exp: number;
  tid: string;
  oid: string;
  sub: string;
  appid: string;
  app_displayname?: string;
  appidacr: '0' | '1';
  idtyp: 'user' | 'app';
  ver: '1.0';
  uti: string;
  /** Delegated: space-separated permissions. */
  scp?: string;
  /** App-only: application permissions. */
  roles?: string[];
  upn?: string;
  unique_name?: string;
  name?: string;
  amr?: string[];
  wids?: string[];
  ipaddr?: string;
}

export type VerifiedToken = { ok: true; claims: AccessTokenClaims } | { ok: false; problem: TokenProblem };

interface StoredKey {
  kid: string;
  privateJwk: JWK;
}

export class TokenService {
  readonly #cache = new Map<string, AccessTokenClaims | null>();
  #privateKey!: Awaited<ReturnType<typeof importJWK>>;
  #kid!: string;
  #jwks!: JSONWebKeySet;
  #keySet!: ReturnType<typeof createLocalJWKSet>;

  private constructor(readonly cacheSize: number) {}

  static async load(sql: Sql, cacheSize: number): Promise<TokenService> {
    const service = new TokenService(cacheSize);
    const rows = await sql.query<{ kid: string; private_jwk: JWK }>('select kid, private_jwk from signing_keys order by created_at desc limit 1');
    let stored: StoredKey;
    if (rows.length) {
      stored = { kid: rows[0].kid, privateJwk: rows[0].private_jwk };
    } else {
      const { privateKey } = await generateKeyPair('RS256', { modulusLength: 2048, extractable: true });
      const privateJwk = await exportJWK(privateKey);
      const kid = (await calculateJwkThumbprint(privateJwk)).slice(0, 27);
      stored = { kid, privateJwk: { ...privateJwk, kid, alg: 'RS256', use: 'sig' } };
      await sql.query('insert into signing_keys (kid, private_jwk, created_at) values ($1, $2, $3) on conflict do nothing', [
        kid,
        JSON.stringify(stored.privateJwk),
        new Date(),
      ]);
    }
    service.#kid = stored.kid;
    service.#privateKey = await importJWK(stored.privateJwk, 'RS256');
    const { kty, n, e } = stored.privateJwk;
    service.#jwks = { keys: [{ kty: kty!, use: 'sig', kid: stored.kid, n, e, alg: 'RS256' }] };
    service.#keySet = createLocalJWKSet(service.#jwks);
    return service;
  }

  get jwks(): JSONWebKeySet {
    return this.#jwks;
  }

  async sign(claims: Record<string, unknown>): Promise<string> {
    return new SignJWT(claims).setProtectedHeader({ typ: 'JWT', alg: 'RS256', kid: this.#kid, x5t: this.#kid }).sign(this.#privateKey);
  }

  newUti(): string {
    return base64url.encode(Buffer.from(randomUUID().replace(/-/g, ''), 'hex')).slice(0, 22);
  }

  /**
   * Signature, issuer and lifetime; audience and permissions are the caller's business (they
   * depend on the protocol). Signature checks are cached per token; lifetime is re-checked
   * against the emulated clock on every use.
   */
  async verify(token: string, now: number): Promise<VerifiedToken> {
    let claims = this.#cache.get(token);
    if (claims === undefined) {
      claims = await this.#verifySignature(token);
      if (this.#cache.size >= this.cacheSize) this.#cache.delete(this.#cache.keys().next().value!);
      this.#cache.set(token, claims);
    }
    return this.#judge(token, claims, now);
  }

  /** verify()'s answer without waiting, when this token's signature was checked before. */
  verifyCached(token: string, now: number): VerifiedToken | undefined {
    const claims = this.#cache.get(token);
    return claims === undefined ? undefined : this.#judge(token, claims, now);
  }

  #judge(token: string, claims: AccessTokenClaims | null, now: number): VerifiedToken {
    if (claims === null) return { ok: false, problem: token.split('.').length === 3 ? 'bad-signature' : 'unparseable' };
    const seconds = now / 1000;
    if (typeof claims.exp !== 'number' || claims.exp + TOKEN_CLOCK_SKEW_SEC <= seconds) return { ok: false, problem: 'expired' };
    if (typeof claims.nbf === 'number' && claims.nbf - TOKEN_CLOCK_SKEW_SEC > seconds) return { ok: false, problem: 'not-yet-valid' };
    if (claims.iss !== v1Issuer(claims.tid) && claims.iss !== v2Issuer(claims.tid)) return { ok: false, problem: 'wrong-issuer' };
    return { ok: true, claims };
  }

  async #verifySignature(token: string): Promise<AccessTokenClaims | null> {
    try {
      const { payload } = await compactVerify(token, this.#keySet, { algorithms: ['RS256'] });
      const claims = JSON.parse(new TextDecoder().decode(payload)) as AccessTokenClaims;
      return claims && typeof claims === 'object' && typeof claims.tid === 'string' ? claims : null;
    } catch {
      return null;
    }
  }
}
