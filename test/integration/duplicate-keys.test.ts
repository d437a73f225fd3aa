import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { closePools } from "../../lib/db";
import { createTestDatabase, type TestDatabase } from "../helpers/database";
import { folderSource, rejectsOf, runEngine, tableResult, tempDir, tsv } from "../helpers/engine-run";
import { expectGenresEqualFile, expectTableEqualsFile } from "../helpers/exactness";

const title = (n: number, name: string, genres: string) =>
  `tt${String(n).padStart(7, "0")}\tmovie\t${name}\t${name}\t0\t2001\t\\N\t100\t${genres}`;
const aka = (n: number, ordering: number, name: string) =>
  `tt${String(n).padStart(7, "0")}\t${ordering}\t${name}\tUS\ten\t\\N\t\\N\t0`;

describe("a duplicate key inside one file: the last occurrence wins and is counted", () => {
  let db: TestDatabase;
  let dir: string;
  beforeAll(async () => {
    db = await createTestDatabase("duplicate_keys");
    dir = await tempDir("duplicate-keys");
  });
  afterAll(async () => {
    await closePools();
    await db.drop();
  });

  it("first run: adjacent and scattered duplicates keep the last line, genres included", async () => {
    const titles = tsv("title_basics", [
      title(1, "One", "Drama"),
      title(2, "Two first", "Horror"),
      title(2, "Two second", "Comedy"),
      title(2, "Two third", "Comedy,Western"),
      title(3, "Three", "Drama"),
      title(1, "One again, out of order", "Sci-Fi"),
      title(4, "Four", "Drama"),
    ]);
    const akas = tsv("title_akas", [aka(1, 1, "A"), aka(1, 2, "B"), aka(1, 1, "A last"), aka(2, 1, "C")]);
    const source = await folderSource(dir, "first", "title_basics", titles);
    await folderSource(dir, "first", "title_akas", akas);
    const summary = await runEngine(db.url, { mode: "first-run", source, tables: ["title_basics", "title_akas"] });

    expect(summary.status).toBe("succeeded");
    expect(tableResult(summary, "title_basics")).toMatchObject({ read: 7, inserted: 4, duplicates: 3, rejected: 0 });
    expect(tableResult(summary, "title_akas")).toMatchObject({ read: 4, inserted: 3, duplicates: 1, rejected: 0 });
    await expectTableEqualsFile(db.url, "title_basics", titles);
    await expectTableEqualsFile(db.url, "title_akas", akas);
    await expectGenresEqualFile(db.url, titles);
    expect(await rejectsOf(db.url, summary.id)).toEqual([]);
  });

  it("incremental: the last occurrence is compared with the table (a changed first one does not count)", async () => {
    const titles = tsv("title_basics", [
      title(1, "One changed", "Drama"),
      title(1, "One again, out of order", "Sci-Fi"),
      title(2, "Two third", "Comedy,Western"),
      title(2, "Two renamed", "Horror"),
      title(3, "Three", "Drama"),
      title(4, "Four", "Drama"),
      title(5, "Five", "Drama"),
      title(5, "Five, last", "Western"),
    ]);
    const akas = tsv("title_akas", [aka(1, 2, "B"), aka(1, 1, "A first"), aka(1, 2, "B changed"), aka(1, 1, "A last")]);
    const source = await folderSource(dir, "incremental", "title_basics", titles);
    await folderSource(dir, "incremental", "title_akas", akas);
    const summary = await runEngine(db.url, {
      mode: "incremental",
      source,
      tables: ["title_basics", "title_akas"],
      forceDeletes: true,
    });

    expect(summary.status).toBe("succeeded");
    expect(tableResult(summary, "title_basics")).toMatchObject({
      read: 8,
      duplicates: 3,
      inserted: 1,
      updated: 1,
      unchanged: 3,
      deleted: 0,
    });
    expect(tableResult(summary, "title_akas")).toMatchObject({
      read: 4,
      duplicates: 2,
      inserted: 0,
      updated: 1,
      unchanged: 1,
      deleted: 1,
    });
    await expectTableEqualsFile(db.url, "title_basics", titles);
    await expectTableEqualsFile(db.url, "title_akas", akas);
    await expectGenresEqualFile(db.url, titles);
  });
});
