import { describe, expect, it } from "vitest";
import { datasets, formatKey, parseKey } from "../../lib/catalog/datasets";
import { lineColumns } from "../../lib/queries/history";

describe("history keys and lines", () => {
  it("reads IMDb keys as prefix and number, and writes them back with at least 7 digits", () => {
    expect(parseKey("tt0000001")).toEqual({ prefix: "tt", number: 1 });
    expect(parseKey("nm10000000")).toEqual({ prefix: "nm", number: 10000000 });
    expect(parseKey("tt123")).toBeUndefined();
    expect(parseKey(" tt0000001")).toBeUndefined();
    expect(formatKey(datasets.title_akas, 1)).toBe("tt0000001");
    expect(formatKey(datasets.name_basics, 10000000)).toBe("nm10000000");
  });

  it("splits a logged line into the table's columns: \\N is NULL, an empty field stays empty", () => {
    expect(lineColumns("title_ratings", "tt0000001\t5.8\t\\N")).toEqual({
      tconst: "tt0000001",
      averageRating: "5.8",
      numVotes: null,
    });
    expect(lineColumns("title_crew", "tt0000002\t\tnm1,nm2")).toEqual({
      tconst: "tt0000002",
      directors: "",
      writers: "nm1,nm2",
    });
  });
});
