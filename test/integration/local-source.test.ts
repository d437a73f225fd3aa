/**
 * The folders the console may name (IMDB_LOCAL_DIR, the sample) give regular files only: a symbolic link or a
 * FIFO put there fails its table with a clear error, checked on the opened file, not on its name beforehand.
 */
import { execFileSync } from "node:child_process";
import { symlink, writeFile } from "node:fs/promises";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { closePools } from "../../lib/db";
import { createTestDatabase, type TestDatabase } from "../helpers/database";
import { runEngine, tableResult, tempDir, tsv } from "../helpers/engine-run";

describe("the local folder source", () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase("local_source");
  });
  afterAll(async () => {
    await closePools();
    await db.drop();
  });

  const runOn = (localDir: string) =>
    runEngine(db.url, { mode: "first-run", source: "local", tables: ["title_ratings"], sourceSettings: { localDir } });

  it("reads a regular file, and refuses a symbolic link or a FIFO in its place", async () => {
    const regular = await tempDir("local-regular");
    await writeFile(path.join(regular, "title.ratings.tsv"), tsv("title_ratings", ["tt0000001\t5.5\t10"]));
    const good = await runOn(regular);
    expect(tableResult(good, "title_ratings")).toMatchObject({ status: "succeeded", inserted: 1 });

    const linked = await tempDir("local-link");
    await symlink(path.join(regular, "title.ratings.tsv"), path.join(linked, "title.ratings.tsv"));
    const viaLink = await runOn(linked);
    expect(tableResult(viaLink, "title_ratings").error).toMatch(/title\.ratings\.tsv in .* is a symbolic link/);

    const fifo = await tempDir("local-fifo");
    execFileSync("mkfifo", [path.join(fifo, "title.ratings.tsv")]);
    const viaFifo = await runOn(fifo);
    expect(tableResult(viaFifo, "title_ratings").error).toMatch(/title\.ratings\.tsv in .* is not a regular file/);
  });
});
