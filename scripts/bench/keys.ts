/**
 * Synthetic IMDb keys. `count` keys are spread over 1..max(3 × count, 12.5 M) in increasing order, a
 * pure function of their index, so any file can name the i-th title or person without a lookup. The
 * range always crosses the 7 → 8 digit boundary, and tt9999999 and tt10000000 are always present: the
 * files' numeric order then differs from string order, which is what the engine has to get right.
 */
import { mix32 } from "./prng";

export const lastSevenDigit = 9_999_999;
const minimumRange = 12_500_000;

export class KeySpace {
  readonly range: number;
  /** How many keys lie below 9999999. */
  private readonly low: number;
  private readonly lowWidth: number;
  private readonly highWidth: number;

  constructor(
    readonly count: number,
    private readonly salt: number,
  ) {
    if (count < 2) throw new Error("a key space needs at least 2 keys");
    this.range = Math.max(3 * count, minimumRange);
    this.low = Math.max(0, Math.min(count - 2, Math.floor((count * lastSevenDigit) / this.range) - 1));
    this.lowWidth = this.low > 0 ? (lastSevenDigit - 1) / this.low : 1;
    this.highWidth = (this.range - lastSevenDigit - 1) / (count - this.low - 2);
  }

  /** The number of the i-th key (0-based), strictly increasing in i. */
  id(i: number): number {
    if (i < this.low) return this.bucket(1, this.lowWidth, i);
    if (i === this.low) return lastSevenDigit;
    if (i === this.low + 1) return lastSevenDigit + 1;
    return this.bucket(lastSevenDigit + 2, this.highWidth, i - this.low - 2);
  }

  /** The largest key number. */
  get maxId(): number {
    return this.id(this.count - 1);
  }

  private bucket(base: number, width: number, j: number): number {
    const from = Math.floor(j * width);
    const span = Math.max(1, Math.floor((j + 1) * width) - from);
    return base + from + (mix32(this.salt, j) % span);
  }
}

/** tt0000001 / nm10000000: the prefix and the number, zero padded to 7 digits. */
export function formatKey(prefix: "tt" | "nm", id: number): string {
  const digits = String(id);
  return digits.length >= 7 ? prefix + digits : prefix + "0000000".slice(digits.length) + digits;
}

/** The number in a key like tt0000001 (no checks: the generator's own output). */
export function parseKey(key: string): number {
  return Number(key.slice(2));
}
