import { describe, expect, it } from "vitest";
import { hashHex, lineHasher } from "../../lib/etl/hash";

/** An independent XXH64 written from the specification with BigInt, to check the WebAssembly one. */
function referenceXxh64(input: Uint8Array, seed = 0n): bigint {
  const mask = (1n << 64n) - 1n;
  const P1 = 11400714785074694791n;
  const P2 = 14029467366897019727n;
  const P3 = 1609587929392839161n;
  const P4 = 9650029242287828579n;
  const P5 = 2870177450012600261n;
  const rotl = (x: bigint, r: bigint) => ((x << r) | (x >> (64n - r))) & mask;
  const u64 = (i: number) => {
    let v = 0n;
    for (let k = 7; k >= 0; k--) v = (v << 8n) | BigInt(input[i + k] ?? 0);
    return v;
  };
  const u32 = (i: number) =>
    BigInt((input[i] ?? 0) | ((input[i + 1] ?? 0) << 8) | ((input[i + 2] ?? 0) << 16)) +
    (BigInt(input[i + 3] ?? 0) << 24n);
  const round = (acc: bigint, lane: bigint) => (rotl((acc + lane * P2) & mask, 31n) * P1) & mask;
  const merge = (acc: bigint, v: bigint) => ((acc ^ round(0n, v)) * P1 + P4) & mask;
  let i = 0;
  let h: bigint;
  if (input.length >= 32) {
    let v1 = (seed + P1 + P2) & mask;
    let v2 = (seed + P2) & mask;
    let v3 = seed;
    let v4 = (seed - P1) & mask;
    for (; i + 32 <= input.length; i += 32) {
      v1 = round(v1, u64(i));
      v2 = round(v2, u64(i + 8));
      v3 = round(v3, u64(i + 16));
      v4 = round(v4, u64(i + 24));
    }
    h = (rotl(v1, 1n) + rotl(v2, 7n) + rotl(v3, 12n) + rotl(v4, 18n)) & mask;
    h = merge(merge(merge(merge(h, v1), v2), v3), v4);
  } else {
    h = (seed + P5) & mask;
  }
  h = (h + BigInt(input.length)) & mask;
  for (; i + 8 <= input.length; i += 8) h = (rotl(h ^ round(0n, u64(i)), 27n) * P1 + P4) & mask;
  for (; i + 4 <= input.length; i += 4) h = (rotl(h ^ ((u32(i) * P1) & mask), 23n) * P2 + P3) & mask;
  for (; i < input.length; i++) h = (rotl(h ^ ((BigInt(input[i] ?? 0) * P5) & mask), 11n) * P1) & mask;
  h = ((h ^ (h >> 33n)) * P2) & mask;
  h = ((h ^ (h >> 29n)) * P3) & mask;
  return h ^ (h >> 32n);
}

describe("row_hash", () => {
  it("matches the published XXH64 test vectors", async () => {
    const hash = await lineHasher();
    expect(hashHex(hash(new Uint8Array()))).toBe("ef46db3751d8e999");
    expect(hashHex(hash(Buffer.from("a")))).toBe("d24ec4f1a98c6e5b");
    expect(hashHex(hash(Buffer.from("abc")))).toBe("44bc2cf5ad770999");
  });

  it("equals an independent implementation on real IMDb lines of every length class", async () => {
    const hash = await lineHasher();
    const lines = [
      "tt0000001\tshort\tCarmencita\tCarmencita\t0\t1894\t\\N\t1\tDocumentary,Short",
      "nm0000001\tFred Astaire\t1899\t1987\tsoundtrack,actor,miscellaneous\ttt0050419,tt0043044,tt0072308,tt0053137",
      "tt0000001\t1\tКарменсита\tRU\t\\N\t\\N\t\\N\t0",
      "tt1\t😀 AC\\DC\\",
      "x",
    ];
    for (const line of lines) {
      const bytes = Buffer.from(line, "utf8");
      expect(hash(bytes), line).toBe(referenceXxh64(bytes));
    }
  });

  it("writes 16 hex digits, zero padded", () => {
    expect(hashHex(0x1n)).toBe("0000000000000001");
  });
});
