/**
 * Deterministic randomness for the synthetic IMDb data: a small, fast seeded generator (sfc32) for
 * streams of values, and a stateless integer hash for values that must be reproducible out of order
 * (a title's id from its index, whether a title is rated), so every file agrees without shared state.
 */

/** A 32-bit integer hash of two inputs (murmur3's finaliser over a mix of both). */
export function mix32(a: number, b: number): number {
  let h = Math.imul(a ^ 0x9e3779b9, 0x85ebca6b) ^ Math.imul(b + 0x7f4a7c15, 0xc2b2ae35);
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** A uniform number in [0, 1) from two inputs, stateless. */
export function hashUnit(a: number, b: number): number {
  return mix32(a, b) / 4294967296;
}

/** sfc32: small, fast, and good enough for test data; the same seed gives the same sequence everywhere. */
export class Rng {
  private a: number;
  private b: number;
  private c: number;
  private d = 1;

  constructor(seed: number, stream = 0) {
    this.a = mix32(seed, stream);
    this.b = mix32(stream, seed ^ 0x5bd1e995);
    this.c = mix32(seed + 1, stream + 1);
    for (let i = 0; i < 12; i++) this.next();
  }

  /** The next 32-bit unsigned integer. */
  next(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return t >>> 0;
  }

  /** Uniform in [0, 1). */
  unit(): number {
    return this.next() / 4294967296;
  }

  /** Uniform integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.unit() * n);
  }

  /** Uniform integer in [min, max]. */
  range(min: number, max: number): number {
    return min + this.int(max - min + 1);
  }

  chance(p: number): boolean {
    return this.unit() < p;
  }

  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)] as T;
  }

  /** A count with the given mean: geometric (many small, a long tail), at least `min`. */
  geometric(mean: number, min = 0): number {
    const excess = mean - min;
    if (excess <= 0) return min;
    const p = 1 / (excess + 1);
    return min + Math.floor(Math.log(1 - this.unit()) / Math.log(1 - p));
  }
}
