import { describe, expect, it } from "vitest";
import { genreCountUpdate } from "../../lib/etl/genres";

describe("genreCountUpdate", () => {
  it("adds each genre's delta in one single-table UPDATE, leaving out genres whose delta is 0", () => {
    const update = genreCountUpdate([
      { genreId: 3, delta: -2 },
      { genreId: 7, delta: 0 },
      { genreId: 9, delta: 5 },
    ]);
    expect(update?.sql).toBe(
      "UPDATE genres SET title_count = title_count + CASE genre_id WHEN ? THEN ? WHEN ? THEN ? END WHERE genre_id IN (?, ?)",
    );
    expect(update?.params).toEqual([3, -2, 9, 5, 3, 9]);
    expect(update?.sql).not.toMatch(/JOIN/);
  });

  it("writes nothing when no count changes", () => {
    expect(genreCountUpdate([])).toBeUndefined();
    expect(genreCountUpdate([{ genreId: 1, delta: 0 }])).toBeUndefined();
  });
});
