/**
 * Files in any order: an incremental run over a file not sorted by its key (sorted as text, so that
 * tt10000000 comes before tt2, or shuffled) ends exact, by the slower comparison in the database, and says so.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { datasets } from "../../lib/catalog/datasets";
import { createTestDatabase, type TestDatabase } from "../helpers/database";
import { folderSource, runEngine, tableResult, tempDir, tsv } from "../helpers/engine-run";
import { expectedChanges, expectGenresEqualFile, expectTableEqualsFile } from "../helpers/exactness";

const tconst = (n: number) => `tt${String(n).padStart(7, "0")}`;
/** 7-digit keys on both sides of tt1…, and 8-digit ones: as text, tt10000000 sorts before tt2000000. */
const ids = [
  ...Array.from({ length: 20 }, (_, i) => i + 1),
  ...Array.from({ length: 20 }, (_, i) => 2_000_000 + i),
  ...Array.from({ length: 12 }, (_, i) => 10_000_000 + i),
];
const rating = (n: number, votes: number) => `${tconst(n)}\t${(1 + (n % 90) / 10).toFixed(1)}\t${votes}`;
const title = (n: number, genres: string) => `${tconst(n)}\tmovie\tTitle ${n}\tTitle ${n}\t0\t2001\t\\N\t95\t${genres}`;
const aka = (n: number, ordering: number, text: string) => `${tconst(n)}\t${ordering}\t${text}\tUS\t\\N\t\\N\t\\N\t0`;
const asText = (lines: string[]) => [...lines].sort();

describe("an incremental run over a file that is not in key order", () => {
  let db: TestDatabase;
  let dir: string;
  beforeAll(async () => {
    db = await createTestDatabase("unsorted");
    dir = await tempDir("unsorted");
    const day1 = {
      title_ratings: ids.map((n) => rating(n, 100)),
      title_basics: ids.map((n) => title(n, n % 2 ? "Drama" : "Comedy,Drama")),
      title_akas: ids.flatMap((n) => [aka(n, 1, `A ${n}`), aka(n, 2, `B ${n}`)]),
    };
    for (const [table, lines] of Object.entries(day1)) {
      const t = table as keyof typeof day1;
      const source = await folderSource(dir, "day1", t, tsv(t, lines));
      expect((await runEngine(db.url, { mode: "first-run", source, tables: [t] })).status).toBe("succeeded");
    }
  });
  afterAll(async () => {
    await db?.drop();
  });

  it("title_ratings sorted as text (tt10000000 before tt0000002) ends exact, with the true counts", async () => {
    const before = tsv(
      "title_ratings",
      ids.map((n) => rating(n, 100)),
    );
    const changed = ids.filter((n) => n !== 7 && n !== 10_000_003).map((n) => rating(n, n % 5 === 0 ? 150 : 100));
    const lines = asText([...changed, rating(41, 1), rating(10_000_020, 2)]);
    expect(lines.indexOf(rating(10_000_000, 150))).toBeLessThan(lines.indexOf(rating(2_000_001, 100)));
    const after = tsv("title_ratings", lines);
    const source = await folderSource(dir, "ratings-text-order", "title_ratings", after);
    const summary = await runEngine(db.url, { mode: "incremental", source, tables: ["title_ratings"] });
    expect(summary.status).toBe("succeeded");
    const result = tableResult(summary, "title_ratings");
    expect(result).toMatchObject(expectedChanges(datasets.title_ratings, before, after));
    expect(result.message).toMatch(/not sorted by tconst .*compared in the database/);
    await expectTableEqualsFile(db.url, "title_ratings", after);
  });

  it("title_basics and title_akas shuffled, with a repeated key and a rejected line, end as the merge would", async () => {
    const basics = ids.filter((n) => n !== 3 && n !== 5).map((n) => title(n, n % 3 ? "Drama" : "Thriller,Noir"));
    // Shuffled, with tt0000005 twice, far apart: its later line wins, as in a sorted file.
    const shuffled = [
      ...basics.slice(30),
      `${tconst(5)}\tmovie\tOld\tOld\t0\t2001\t\\N\t95\tDrama`,
      ...basics.slice(0, 30),
      title(5, "Western"),
    ];
    const basicsFile = tsv("title_basics", shuffled);
    const source = await folderSource(dir, "basics-shuffled", "title_basics", basicsFile);
    const summary = await runEngine(db.url, { mode: "incremental", source, tables: ["title_basics"] });
    expect(summary.status).toBe("succeeded");
    expect(tableResult(summary, "title_basics")).toMatchObject({ duplicates: 1, deleted: 1, rejected: 0 });
    await expectTableEqualsFile(db.url, "title_basics", basicsFile);
    await expectGenresEqualFile(db.url, basicsFile);

    const akas = ids.flatMap((n) => (n === 9 ? [aka(n, 2, "B 9")] : [aka(n, 2, `B ${n}!`), aka(n, 1, `A ${n}`)]));
    const withRejected = [...akas.slice(10), ...akas.slice(0, 10), `${tconst(9)}\t1\tbroken\tUS\t\\N\t\\N\t\\N\tyes`];
    const akasSource = await folderSource(dir, "akas-shuffled", "title_akas", tsv("title_akas", withRejected));
    const akasRun = await runEngine(db.url, { mode: "incremental", source: akasSource, tables: ["title_akas"] });
    expect(tableResult(akasRun, "title_akas")).toMatchObject({ rejected: 1, deleted: 0, updated: ids.length - 1 });
    // The rejected line's row (tt0000009, ordering 1) stays as it was; the rest equals the file.
    await expectTableEqualsFile(db.url, "title_akas", tsv("title_akas", [...akas, aka(9, 1, "A 9")]));
  });
});
