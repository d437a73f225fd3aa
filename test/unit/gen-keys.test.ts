import { describe, expect, it } from "vitest";
import { formatKey, KeySpace, parseKey } from "../../scripts/bench/keys";

describe("synthetic keys", () => {
  it.each([10, 2_460, 123_000])("are strictly increasing and cross tt9999999 → tt10000000 (%i keys)", (count) => {
    const space = new KeySpace(count, 7);
    const ids = Array.from({ length: count }, (_, i) => space.id(i));
    expect(ids.every((id, i) => i === 0 || id > (ids[i - 1] ?? 0))).toBe(true);
    expect(ids[0]).toBeGreaterThan(0);
    expect(ids).toContain(9_999_999);
    expect(ids).toContain(10_000_000);
    expect(space.maxId).toBeLessThanOrEqual(space.range);
  });

  it("spread over about three times their count at large scale", () => {
    const space = new KeySpace(12_300_000, 1);
    expect(space.range).toBe(36_900_000);
    expect(space.maxId).toBeGreaterThan(36_000_000);
  });

  it("are pure functions of the index and salt", () => {
    expect(new KeySpace(5000, 3).id(1234)).toBe(new KeySpace(5000, 3).id(1234));
    expect(new KeySpace(5000, 3).id(1234)).not.toBe(new KeySpace(5000, 4).id(1234));
  });

  it("format with at least 7 digits and parse back", () => {
    expect(formatKey("tt", 1)).toBe("tt0000001");
    expect(formatKey("nm", 9_999_999)).toBe("nm9999999");
    expect(formatKey("tt", 10_000_000)).toBe("tt10000000");
    expect(parseKey("tt0000172")).toBe(172);
  });
});
