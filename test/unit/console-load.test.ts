import { describe, expect, it } from "vitest";
import { overlapMs, percentile } from "../../scripts/bench/console-load";

describe("the console load's sync overlap", () => {
  it("adds up the parts of the syncs inside a page's window, an open sync ending now", () => {
    const windows = [{ from: 0, to: 10 }, { from: 12, to: 30 }, { from: 31 }];
    expect(overlapMs(windows, 5, 40, 40)).toBe(5 + 18 + 9);
    expect(overlapMs(windows, 10, 12, 12)).toBe(0);
    expect(overlapMs(windows, 31, 35, 33)).toBe(2);
  });

  it("takes percentiles by rank", () => {
    expect(percentile([1, 2, 3, 4], 50)).toBe(2);
    expect(percentile([1, 2, 3, 4], 95)).toBe(4);
  });
});
