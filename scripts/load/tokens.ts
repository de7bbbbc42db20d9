// Access tokens for the OAuth share of a load run, fetched from an identity platform's v2.0
// token endpoint (exogate's own, or any that speaks the same protocol) and cached until just
// before they expire. Concurrent sessions of one user wait on one request. A refused request
// is an outcome of the run (the AADSTS line the platform answered), not a client error.
import { createHash } from 'node:crypto';
import { Agent, request } from 'node:https';

export interface TokenSourceOptions {
  host: string;
  port: number;
  ca?: string;
  servername?: string;
  insecure?: boolean;
  clientId: string;
  clientSecret?: string;
  /** Space-separated scopes of the protocol under load. */
  scope: string;
  /** `password`: one token per user (ROPC); `client_credentials`: one app token per tenant. */
  grant: 'password' | 'client_credentials';
  /** The tenant path segment; by default each user's domain. */
  tenant?: string;
}

export class TokenRefused extends Error {
  constructor(readonly answer: string) {
    super(answer);
  }
}

/** Tokens are renewed this long before they expire, so none expires in flight. */
const EXPIRY_MARGIN_MS = 60_000;

interface Cached {
  token: string;
  expires: number;
}

export class TokenSource {
  readonly #o: TokenSourceOptions;
  readonly #agent: Agent;
  readonly #cache = new Map<string, Cached>();
  readonly #pending = new Map<string, Promise<string>>();
  fetched = 0;
  refused = 0;

  constructor(o: TokenSourceOptions) {
    this.#o = o;
    this.#agent = new Agent({ keepAlive: true, maxSockets: 16, ca: o.ca, servername: o.servername ?? 'localhost', rejectUnauthorized: !o.insecure });
  }

  /** A token for this user (ROPC) or for the user's tenant (client credentials). */
  get(user: string, password: string): Promise<string> {
    const tenant = this.#o.tenant ?? user.slice(user.indexOf('@') + 1);
    // Two shares of a mix may sign the same user in with different passwords: each gets its own answer.
    const key = this.#o.grant === 'password' ? `${tenant}|${user}|${createHash('sha256').update(password).digest('base64')}` : tenant;
    const hit = this.#cache.get(key);
    if (hit && hit.expires > Date.now()) return Promise.resolve(hit.token);
    let pending = this.#pending.get(key);
    if (!pending) {
      pending = this.#fetch(key, tenant, user, password).finally(() => this.#pending.delete(key));
      this.#pending.set(key, pending);
    }
    return pending;
  }

  async #fetch(key: string, tenant: string, user: string, password: string): Promise<string> {
    const fields: Record<string, string> = { client_id: this.#o.clientId, scope: this.#o.scope, grant_type: this.#o.grant };
    if (this.#o.clientSecret) fields.client_secret = this.#o.clientSecret;
    if (this.#o.grant === 'password') Object.assign(fields, { username: user, password });
    const { status, body } = await this.#post(`/${encodeURIComponent(tenant)}/oauth2/v2.0/token`, new URLSearchParams(fields).toString());
    let json: Record<string, unknown>;
    try {
      json = JSON.parse(body) as Record<string, unknown>;
    } catch {
      throw new Error(`token endpoint answered ${status} with no JSON`);
    }
    if (status !== 200 || typeof json.access_token !== 'string') {
      this.refused++;
      // The description's first line is the AADSTS text; the trace and correlation ids after it differ every time.
      throw new TokenRefused(`token refused: ${String(json.error ?? status)}: ${String(json.error_description ?? '').split(/\r?\n/)[0]}`);
    }
    this.fetched++;
    this.#cache.set(key, { token: json.access_token, expires: Date.now() + Number(json.expires_in ?? 3600) * 1000 - EXPIRY_MARGIN_MS });
    return json.access_token;
  }

  #post(path: string, form: string): Promise<{ status: number; body: string }> {
    return new Promise((resolve, reject) => {
      const req = request(
        {
          host: this.#o.host,
          port: this.#o.port,
          method: 'POST',
          path,
          agent: this.#agent,
          headers: { 'content-type': 'application/x-www-form-urlencoded', 'content-length': String(Buffer.byteLength(form)) },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
          res.on('error', reject);
        },
      );
      req.on('error', reject);
      req.end(form);
    });
  }

  close(): void {
    this.#agent.destroy();
  }
}
