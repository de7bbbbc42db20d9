// A bounded per-key counter: connections per client address, sessions per mailbox. Shared by
// every listener of a kind so a limit holds across the plain and TLS ports alike.
export class Counter {
  readonly #counts = new Map<string, number>();

  constructor(readonly limit: number) {}

  /** Takes one slot; false (and nothing taken) when the key is at its limit. */
  acquire(key: string): boolean {
    const n = this.#counts.get(key) ?? 0;
    if (n >= this.limit) return false;
    this.#counts.set(key, n + 1);
    return true;
  }

  release(key: string): void {
    const n = this.#counts.get(key) ?? 0;
    if (n <= 1) this.#counts.delete(key);
    else this.#counts.set(key, n - 1);
  }

  count(key: string): number {
    return this.#counts.get(key) ?? 0;
  }

  get size(): number {
    return this.#counts.size;
  }
}
