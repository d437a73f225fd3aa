/**
 * The heavy tails of IMDb: a few people credited in thousands of titles (hosts, anchors, voice actors) and a few
 * series with thousands of episodes (soaps, talk shows, news). A uniform draw of a title's people or an episode's
 * series gives neither (the busiest person had 23 credits at 0.01×), so the pages that list a person's credits or a
 * series' episodes were never measured at the sizes people open. A tail is a fixed set of ranked keys; rank r
 * (1-based) gets about top / r^alpha of the draws. Its top grows with √scale, not with the scale: a page's size is
 * what the bench measures, and a linear law would leave a few dozen rows at 0.01×.
 */
import { hashUnit, type Rng } from "./prng";

export interface TailLaw {
  /** The top rank's expected draws at 1×; √scale times that below. */
  topAtFullSize: number;
  /** How many ranked keys at 1×; √scale times that below, at least `minRanks`. */
  ranksAtFullSize: number;
  minRanks: number;
  alpha: number;
  /** The most of all draws the tail may take (tiny scales: the top is lowered to fit). */
  maxShare: number;
}

export class HeavyTail {
  /** The key-space index of each rank (rank r at r - 1). */
  readonly indices: number[];
  /** Expected draws of each rank. */
  readonly expected: number[];
  /** The share of all draws that go to the tail. */
  readonly share: number;
  private readonly cdf: number[];
  private readonly rankOf = new Map<number, number>();

  /**
   * `draws`: how many draws the file makes in all; `count`: the key space's size; `excluded`: indices that
   * may not be in the tail (an episode cannot be a series). Ranks are placed by a hash of `salt`.
   */
  constructor(
    law: TailLaw,
    scale: number,
    draws: number,
    count: number,
    salt: number,
    excluded?: (i: number) => boolean,
  ) {
    const root = Math.sqrt(Math.min(1, scale));
    const ranks = Math.min(count, Math.max(law.minRanks, Math.round(law.ranksAtFullSize * root)));
    const weights = Array.from({ length: ranks }, (_, r) => (r + 1) ** -law.alpha);
    const weightSum = weights.reduce((a, b) => a + b, 0);
    const top = Math.min(law.topAtFullSize * root, (law.maxShare * draws) / weightSum);
    this.expected = weights.map((w) => w * top);
    this.share = draws > 0 ? (top * weightSum) / draws : 0;
    let cumulative = 0;
    this.cdf = weights.map((w) => (cumulative += w / weightSum));
    this.indices = [];
    for (let attempt = 0; this.indices.length < ranks && attempt < ranks * 100; attempt++) {
      const i = Math.floor(hashUnit(salt, attempt) * count);
      if (this.rankOf.has(i) || excluded?.(i)) continue;
      this.rankOf.set(i, this.indices.length + 1);
      this.indices.push(i);
    }
  }

  /** A draw: the index of a tail key, or undefined (then the caller draws uniformly). One rng call either way. */
  draw(rng: Rng): number | undefined {
    const u = rng.unit();
    if (u >= this.share) return undefined;
    const target = u / this.share;
    let lo = 0;
    let hi = this.indices.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((this.cdf[mid] as number) > target) hi = mid;
      else lo = mid + 1;
    }
    return this.indices[lo];
  }

  /** The rank (1 = the busiest) of a key-space index, or undefined when it is not in the tail. */
  rank(i: number): number | undefined {
    return this.rankOf.get(i);
  }
}
