import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunMode } from "../../db/schema";
import { datasets, expectedHeader } from "../../lib/catalog/datasets";
import { closePools } from "../../lib/db";
import { createTestDatabase, type TestDatabase } from "../helpers/database";
import { folderSource, runEngine, tableResult, tableRows, tempDir, tsv } from "../helpers/engine-run";
import { expectTableEqualsFile } from "../helpers/exactness";

const row = (n: number, votes: number) => `tt${String(n).padStart(7, "0")}\t7.${n % 10}\t${votes}`;
const loaded = tsv("title_ratings", [row(1, 10), row(2, 20), row(3, 30)]);
/** Valid rows that differ from the loaded ones, so a load that ignored the header would show. */
const body = [row(1, 11), row(2, 22), row(4, 40)].join("\n");
const header = expectedHeader(datasets.title_ratings);

const headers: [string, string][] = [
  ["a renamed column", "tconst\taverageRating\tvotes"],
  ["a column name in another case", "tconst\taveragerating\tnumVotes"],
  ["columns in another order", "tconst\tnumVotes\taverageRating"],
  ["a missing column", "tconst\taverageRating"],
  ["an extra column", `${header}\tcomment`],
  ["a trailing space", `${header} `],
  ["no header line at all", row(9, 90)],
];
const modes: RunMode[] = ["first-run", "incremental"];

describe("a file whose header differs from the expected one fails without changes", () => {
  let db: TestDatabase;
  let dir: string;
  beforeAll(async () => {
    db = await createTestDatabase("bad_header");
    dir = await tempDir("bad-header");
    const summary = await runEngine(db.url, {
      mode: "first-run",
      source: await folderSource(dir, "loaded", "title_ratings", loaded),
      tables: ["title_ratings"],
    });
    expect(summary.status).toBe("succeeded");
  });
  afterAll(async () => {
    await closePools();
    await db.drop();
  });

  const cases = headers.flatMap(([label, line]) => modes.map((mode) => [label, line, mode] as const));
  it.each(cases)("%s (%s… in %s mode)", async (label, line, mode) => {
    const before = await tableRows(db.url, "title_ratings");
    const source = await folderSource(
      dir,
      `${label}-${mode}`.replace(/\W+/g, "-"),
      "title_ratings",
      `${line}\n${body}\n`,
    );
    const started = performance.now();
    const summary = await runEngine(db.url, { mode, source, tables: ["title_ratings"] });
    // Failing on line 1 aborts a LOAD DATA the server has not started reading: that must not hang.
    expect(performance.now() - started).toBeLessThan(10_000);

    expect(summary.status).toBe("failed");
    const result = tableResult(summary, "title_ratings");
    expect(result).toMatchObject({ status: "failed", inserted: 0, updated: 0, deleted: 0 });
    expect(result.error).toContain("title.ratings.tsv.gz: the header differs from the expected one");
    // A line of field names is shown as found; anything else is not echoed into the run's error.
    const shown = /\d/.test(line) ? "(a line that is not a header of field names)" : line;
    expect(result.error).toContain(`found:    ${shown}`);
    expect(await tableRows(db.url, "title_ratings")).toEqual(before);
    await expectTableEqualsFile(db.url, "title_ratings", loaded);
  });

  it.each(modes)("an empty file fails as having no header (%s)", async (mode) => {
    const before = await tableRows(db.url, "title_ratings");
    const source = await folderSource(dir, `empty-${mode}`, "title_ratings", "");
    const summary = await runEngine(db.url, { mode, source, tables: ["title_ratings"] });
    expect(summary.status).toBe("failed");
    expect(tableResult(summary, "title_ratings").error).toMatch(/title\.ratings\.tsv\.gz: the file is empty/);
    expect(await tableRows(db.url, "title_ratings")).toEqual(before);
  });
});
