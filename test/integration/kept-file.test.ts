/**
 * The kept file of a table's last exact sync is only trusted while its bytes are the fingerprinted ones:
 * a kept file changed behind the engine's back, or missing, sends the run back to the table, exact either way.
 */
import { readdir, readFile, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import mysql, { type RowDataPacket } from "mysql2/promise";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { keptFolder } from "../../lib/etl/kept-file";
import { createTestDatabase, type TestDatabase } from "../helpers/database";
import { folderSource, runEngine, tableResult, tempDir, tsv } from "../helpers/engine-run";
import { expectTableEqualsFile } from "../helpers/exactness";

const rating = (n: number, votes: number) => `tt${String(n).padStart(7, "0")}\t7.5\t${votes}`;
const day = (votes: number) =>
  tsv(
    "title_ratings",
    Array.from({ length: 300 }, (_, i) => rating(i + 1, votes + (i % 7))),
  );

describe("the kept file", () => {
  let db: TestDatabase;
  let dir: string;
  let folder: string;
  const sync = async (mode: "first-run" | "incremental", sub: string, content: string, form: "gz" | "tsv" = "gz") => {
    const source = await folderSource(dir, sub, "title_ratings", content, form);
    const settings = { keptDir: path.join(dir, "kept") };
    const summary = await runEngine(db.url, { mode, source, tables: ["title_ratings"], settings });
    expect(summary.status).toBe("succeeded");
    await expectTableEqualsFile(db.url, "title_ratings", content);
    return tableResult(summary, "title_ratings");
  };

  beforeAll(async () => {
    db = await createTestDatabase("kept_file");
    dir = await tempDir("kept-file");
    folder = keptFolder(path.join(dir, "kept"), db.url);
  });
  afterAll(async () => {
    await db?.drop();
  });

  it("is written by an exact sync and used by the next incremental run", async () => {
    await sync("first-run", "day1", day(100), "tsv");
    expect(await readdir(folder)).toEqual(["title.ratings.tsv"]);
    const result = await sync("incremental", "day2", day(200), "tsv");
    expect(result.message).toMatch(/^Diffed against the kept file/);
    expect(result).toMatchObject({ updated: 300, inserted: 0, deleted: 0 });
    expect(await readFile(path.join(folder, "title.ratings.tsv"), "utf8")).toBe(day(200));
  });

  it("changed behind the engine's back (same size, other bytes): the run compares with the table", async () => {
    const kept = path.join(folder, "title.ratings.tsv");
    await writeFile(kept, day(100).replace("\t7.5\t", "\t8.5\t"));
    const result = await sync("incremental", "day3", day(300), "tsv");
    expect(result.message).toMatch(/Compared with the table: the kept file's bytes are not those/);
    expect(result).toMatchObject({ updated: 300, inserted: 0, deleted: 0, unchanged: 0 });
  });

  it("missing: the run compares with the table; a gzipped file is kept as such", async () => {
    await rm(folder, { recursive: true });
    const result = await sync("incremental", "day4", day(400));
    expect(result.message ?? "").not.toMatch(/kept file/);
    expect(result.updated).toBe(300);
    expect(await readdir(folder)).toEqual(["title.ratings.tsv.gz"]);
    expect((await sync("incremental", "day5", day(500))).message).toMatch(/^Diffed against the kept file/);
  });

  it("is marked in key order only after a sync whose file's ids never went down and held no key twice", async () => {
    const inKeyOrder = async () => {
      const connection = await mysql.createConnection({ uri: db.url });
      try {
        const [rows] = await connection.query<RowDataPacket[]>(
          "SELECT in_key_order FROM etl_table_files WHERE table_name = 'title_ratings'",
        );
        return rows.map((row) => Boolean(row.in_key_order));
      } finally {
        await connection.end();
      }
    };
    const lines = Array.from({ length: 300 }, (_, i) => rating(i + 1, 600));
    expect(await inKeyOrder()).toEqual([true]); // day 5, an incremental run in key order
    await sync("first-run", "repeated", tsv("title_ratings", [...lines, rating(300, 601)]));
    expect(await inKeyOrder()).toEqual([false]);
    await sync("incremental", "sorted", tsv("title_ratings", lines));
    expect(await inKeyOrder()).toEqual([true]);
    await sync("first-run", "reversed", tsv("title_ratings", [...lines].reverse()));
    expect(await inKeyOrder()).toEqual([false]);
    const result = await sync("incremental", "reversed-changed", tsv("title_ratings", [...lines].reverse().slice(1)));
    expect(result.message).toMatch(/not sorted by tconst .*compared in the database instead/);
    expect(await inKeyOrder()).toEqual([false]);
    await sync("first-run", "sorted-again", tsv("title_ratings", lines));
    expect(await inKeyOrder()).toEqual([true]);
  });
});
