// Smart lockout, as Entra ID describes it (the reference names the behaviour, not the numbers):
// after `threshold` failed sign-ins the account is locked for `duration`, and each further
// lockout doubles it. The same wrong password repeated does not count again (Entra tracks the
// last three bad password hashes), so a client retrying a stale password cannot lock its user.
// State is per process and in memory, read on the hot path.

interface State {
  failures: number;
  recentBad: string[];
  lockedUntil: number;
  lockouts: number;
}

const RECENT_BAD = 3;
const MAX_DOUBLINGS = 10;

export class Lockout {
  readonly #users = new Map<string, State>();

  constructor(
    readonly threshold: number,
    readonly durationMs: number,
  ) {}

  isLocked(userId: string, now: number): boolean {
    const s = this.#users.get(userId);
    return !!s && s.lockedUntil > now;
  }

  /** Records a failed attempt (by a fingerprint of the bad secret); true when it locked the account. */
  fail(userId: string, badFingerprint: string, now: number): boolean {
    let s = this.#users.get(userId);
    if (!s) this.#users.set(userId, (s = { failures: 0, recentBad: [], lockedUntil: 0, lockouts: 0 }));
    if (s.recentBad.includes(badFingerprint)) return false;
    s.recentBad.push(badFingerprint);
    if (s.recentBad.length > RECENT_BAD) s.recentBad.shift();
    s.failures++;
    if (s.failures < this.threshold) return false;
    s.failures = 0;
    s.recentBad = [];
    s.lockedUntil = now + this.durationMs * 2 ** Math.min(s.lockouts, MAX_DOUBLINGS);
    s.lockouts++;
    return true;
  }

  succeed(userId: string): void {
    const s = this.#users.get(userId);
    if (s && (s.failures || s.recentBad.length)) {
      s.failures = 0;
      s.recentBad = [];
    }
  }

  /** Unlocks an account (an administrator's action, or a test's). */
  reset(userId: string): void {
    this.#users.delete(userId);
  }
}
