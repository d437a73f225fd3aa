/**
 * Login throttling, per client address and overall: after 5 wrong passwords in a row from one address it
 * must wait (30 s, doubling with each further failure, at most 15 minutes); more than 20 wrong passwords in
 * 5 minutes from everywhere make everyone wait 5 minutes. The address is X-Forwarded-For as Next passes it
 * on: set by a reverse proxy it is the client's, but a client reaching the console directly can vary it, so
 * the overall limit is what bounds guessing then (at most 20 tries per 5 minutes). Scripts use ADMIN_TOKEN,
 * which no throttle touches. In memory: a restart forgets.
 */
const freeFailures = 5;
const firstWaitMs = 30_000;
const longestWaitMs = 15 * 60_000;
const globalWindowMs = 5 * 60_000;
const globalLimit = 20;

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
