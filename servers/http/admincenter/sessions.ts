// The admin center's server-side sessions: the browser holds only a random id in an HttpOnly
// cookie; the Graph token (and its refresh token) stay here and never reach the page, a URL or
// a log. The store is bounded (the oldest session goes first) and every entry expires.
//
// Sessions expire in real time, not on the emulated clock: a tester who jumps the calendar 90
// days stays signed in (the access token itself follows the emulated clock and is refreshed;
// when the refresh token has expired too, the session ends and the user signs in again).
import { randomBytes } from 'node:crypto';

/** A sign-in started but not finished (state, nonce, PKCE verifier) waits at most this long. */
export const PENDING_SIGNIN_MS = 10 * 60_000;
export const PENDING_SIGNIN_MAX_ENTRIES = 10_000;

export const SESSION_COOKIE = 'exogate_admin';
export const PENDING_COOKIE = 'exogate_admin_signin';

/** What a redeemed sign-in (or a refresh) gives a session: who, and the tokens. */
export interface SessionTokens {
  tenantId: string;
  userId: string;
  accessToken: string;
  refreshToken: string | null;
  /** When the access token was issued and expires, on the emulated clock. */
  accessIssuedAt: number;
  accessExpiresAt: number;
}

export interface AdminSession extends SessionTokens {
  id: string;
  /** Sent back in a header by the page's scripts on every change (a second guard beside SameSite). */
  csrf: string;
  createdAt: number;
  lastSeen: number;
}

export interface PendingSignIn {
  state: string;
  nonce: string;
  verifier: string;
  redirectUri: string;
  /** Where to go after the sign-in (a path under /admin). */
  returnTo: string;
  createdAt: number;
}

export const randomId = (bytes = 32) => randomBytes(bytes).toString('base64url');

/** A bounded map whose entries expire; insertion order is age order, so eviction is O(1). */
class ExpiringMap<T extends { createdAt: number }> {
  readonly #entries = new Map<string, T>();
  constructor(
    readonly max: number,
    readonly alive: (entry: T, now: number) => boolean,
  ) {}

  get(id: string, now: number): T | undefined {
    const entry = this.#entries.get(id);
    if (!entry) return undefined;
    if (this.alive(entry, now)) return entry;
    this.#entries.delete(id);
    return undefined;
  }

  set(id: string, entry: T, now: number): void {
    for (const [key, old] of this.#entries) {
      if (this.#entries.size < this.max && this.alive(old, now)) break;
      this.#entries.delete(key);
    }
    this.#entries.set(id, entry);
  }

  delete(id: string): T | undefined {
    const entry = this.#entries.get(id);
    this.#entries.delete(id);
    return entry;
  }
}

export interface SessionLimits {
  max: number;
  idleMs: number;
  maxAgeMs: number;
}

export class SessionStore {
  readonly #sessions: ExpiringMap<AdminSession>;
  readonly #pending = new ExpiringMap<PendingSignIn>(PENDING_SIGNIN_MAX_ENTRIES, (p, now) => now - p.createdAt < PENDING_SIGNIN_MS);

  constructor(
    readonly limits: SessionLimits,
    readonly now: () => number = Date.now,
  ) {
    this.#sessions = new ExpiringMap<AdminSession>(limits.max, (s, t) => t - s.lastSeen < limits.idleMs && t - s.createdAt < limits.maxAgeMs);
  }

  create(fields: Omit<AdminSession, 'id' | 'csrf' | 'createdAt' | 'lastSeen'>): AdminSession {
    const now = this.now();
    const session: AdminSession = { ...fields, id: randomId(), csrf: randomId(24), createdAt: now, lastSeen: now };
    this.#sessions.set(session.id, session, now);
    return session;
  }

  /** The live session with this id, touched. */
  get(id: string | undefined): AdminSession | undefined {
    if (!id) return undefined;
    const now = this.now();
    const session = this.#sessions.get(id, now);
    if (session) session.lastSeen = now;
    return session;
  }

  end(id: string | undefined): void {
    if (id) this.#sessions.delete(id);
  }

  startSignIn(fields: Omit<PendingSignIn, 'state' | 'nonce' | 'verifier' | 'createdAt'>): PendingSignIn {
    const now = this.now();
    const pending: PendingSignIn = { ...fields, state: randomId(), nonce: randomId(), verifier: randomId(48), createdAt: now };
    this.#pending.set(pending.state, pending, now);
    return pending;
  }

  /** The pending sign-in this state names, used once. */
  takeSignIn(state: string | undefined): PendingSignIn | undefined {
    if (!state) return undefined;
    const pending = this.#pending.get(state, this.now());
    this.#pending.delete(state);
    return pending;
  }
}
