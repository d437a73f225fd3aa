/**
 * Login throttling. Per client address (the socket's peer, or the client a trusted proxy names: lib/auth/forwarded.ts):
 * after 5 wrong passwords in a row it must wait 30 s, doubling with each further failure, at most 15 minutes.
 * Overall: past 20 wrong passwords in 5 minutes from everywhere, every login answer is slowed by a second while
 * that lasts, so many addresses guessing together are slowed without locking the admin out (an address that
 * guessed wrong stays blocked by its own limit). A malformed login counts as a wrong password. Scripts use
 * ADMIN_TOKEN, which no throttle touches. In memory: a restart forgets.
 */
const freeFailures = 5;
const firstWaitMs = 30_000;
const longestWaitMs = 15 * 60_000;
const globalWindowMs = 5 * 60_000;
const globalLimit = 20;
const globalSlowdownMs = 1_000;

interface AddressState {
  failures: number;
  blockedUntil: number;
}

export class LoginThrottle {
  private readonly addresses = new Map<string, AddressState>();
  private recent: number[] = [];

  /** Milliseconds the address must still wait, or 0 when it may try. */
  waitMs(address: string, now = Date.now()): number {
    const own = this.addresses.get(address)?.blockedUntil ?? 0;
    return Math.max(0, own - now);
  }

  /** How long every login answer is held back now: a second while many wrong passwords arrive, else 0. */
  slowdownMs(now = Date.now()): number {
    const recent = this.recent.filter((t) => now - t < globalWindowMs).length;
    return recent > globalLimit ? globalSlowdownMs : 0;
  }

  failed(address: string, now = Date.now()): void {
    const state = this.addresses.get(address) ?? { failures: 0, blockedUntil: 0 };
    state.failures++;
    if (state.failures >= freeFailures) {
      const wait = Math.min(longestWaitMs, firstWaitMs * 2 ** (state.failures - freeFailures));
      state.blockedUntil = now + wait;
    }
    this.addresses.set(address, state);
    this.recent = [...this.recent.filter((t) => now - t < globalWindowMs).slice(-globalLimit * 10), now];
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
