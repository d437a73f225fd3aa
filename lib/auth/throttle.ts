/**
 * Login throttling, per client address and overall: after 5 wrong passwords in a row from one address it
 * must wait (30 s, doubling with each further failure, at most 15 minutes); more than 30 wrong passwords in
 * a minute from everywhere make everyone wait a minute. A right password clears its address. In memory:
 * a restart forgets, which only ever helps the rightful admin.
 */
const freeFailures = 5;
const firstWaitMs = 30_000;
const longestWaitMs = 15 * 60_000;
const globalWindowMs = 60_000;
const globalLimit = 30;

interface AddressState {
  failures: number;
  blockedUntil: number;
}

export class LoginThrottle {
  private readonly addresses = new Map<string, AddressState>();
  private recent: number[] = [];
  private globalBlockedUntil = 0;

  /** Milliseconds the address must still wait, or 0 when it may try. */
  waitMs(address: string, now = Date.now()): number {
    const own = this.addresses.get(address)?.blockedUntil ?? 0;
    return Math.max(0, own - now, this.globalBlockedUntil - now);
  }

  failed(address: string, now = Date.now()): void {
    const state = this.addresses.get(address) ?? { failures: 0, blockedUntil: 0 };
    state.failures++;
    if (state.failures >= freeFailures) {
      const wait = Math.min(longestWaitMs, firstWaitMs * 2 ** (state.failures - freeFailures));
      state.blockedUntil = now + wait;
    }
    this.addresses.set(address, state);
    this.recent = [...this.recent.filter((t) => now - t < globalWindowMs), now];
    if (this.recent.length > globalLimit) this.globalBlockedUntil = now + globalWindowMs;
    if (this.addresses.size > 10_000) this.addresses.clear();
  }

  succeeded(address: string): void {
    this.addresses.delete(address);
  }
}

const cache = globalThis as unknown as { imdbLoginThrottle?: LoginThrottle };
cache.imdbLoginThrottle ??= new LoginThrottle();
/** One throttle per server process (kept across hot reloads in development). */
export const loginThrottle = cache.imdbLoginThrottle;
