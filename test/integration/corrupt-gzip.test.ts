import { randomBytes } from "node:crypto";
import { gzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunMode } from "../../db/schema";
import { closePools } from "../../lib/db";
import { createTestDatabase, type TestDatabase } from "../helpers/database";
import { folderSource, runEngine, tableResult, tableRows, tablesLike, tempDir, tsv } from "../helpers/engine-run";
import { expectGenresEqualFile, expectTableEqualsFile } from "../helpers/exactness";

const genreList = ["Drama", "Comedy", "Horror", "Sci-Fi", "Western"];
const titles = (count: number, tag: string) =>
  Array.from({ length: count }, (_, i) => {
    const name = `${tag} ${i} ${randomBytes(6).toString("hex")}`;
    return `tt${String(i + 1).padStart(7, "0")}\tmovie\t${name}\t${name}\t0\t${1950 + (i % 70)}\t\\N\t${60 + (i % 90)}\t${genreList[i % 5]}`;
  });

const loaded = tsv("title_basics", titles(200, "Loaded"));
/** A larger, different file: half of its .gz still decompresses to thousands of valid lines. */
const next = gzipSync(tsv("title_basics", titles(20000, "Next")));
const corrupt = Buffer.concat([Buffer.from([0x1f, 0x8b, 0x08, 0x00]), randomBytes(4096)]);
const truncated = next.subarray(0, next.length >> 1);

describe("a corrupt or truncated .gz fails its file and changes nothing", () => {
  let db: TestDatabase;
  let dir: string;
  beforeAll(async () => {
    db = await createTestDatabase("corrupt_gzip");
    dir = await tempDir("corrupt-gzip");
    const summary = await runEngine(db.url, {
      mode: "first-run",
      source: await folderSource(dir, "loaded", "title_basics", loaded),
      tables: ["title_basics"],
    });
    expect(summary.status).toBe("succeeded");
  });
  afterAll(async () => {
    await closePools();
    await db.drop();
  });

  const cases: [string, Buffer, RunMode][] = [
    ["random bytes behind the gzip magic, first run", corrupt, "first-run"],
    ["random bytes behind the gzip magic, incremental", corrupt, "incremental"],
    ["the first half of a valid .gz, first run", truncated, "first-run"],
    ["the first half of a valid .gz, incremental", truncated, "incremental"],
  ];
  it.each(cases)("%s", async (label, bytes, mode) => {
    const before = await tableRows(db.url, "title_basics");
    const genresBefore = await tableRows(db.url, "title_genres");
    const source = await folderSource(dir, label.replace(/\W+/g, "-"), "title_basics", bytes, "raw-gz");
    const summary = await runEngine(db.url, { mode, source, tables: ["title_basics"] });

    expect(summary.status).toBe("failed");
    const result = tableResult(summary, "title_basics");
    expect(result.status).toBe("failed");
    expect(result.error).toMatch(/title\.basics\.tsv\.gz: the compressed file is corrupt or truncated/);
    expect(await tableRows(db.url, "title_basics")).toEqual(before);
    expect(await tableRows(db.url, "title_genres")).toEqual(genresBefore);
    await expectTableEqualsFile(db.url, "title_basics", loaded);
    await expectGenresEqualFile(db.url, loaded);
    expect(await tablesLike(db.url, "%\\_\\_new")).toEqual([]);
    expect(await tablesLike(db.url, "\\_stage\\_%")).toEqual([]);
  });
});
