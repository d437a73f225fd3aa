/**
 * An unchanged file is recognised without a row diff: an incremental run over the same bytes as a table's
 * last exact sync skips it. Only an exact sync is remembered: after rejected lines or withheld deletes the
 * same file is diffed again, and a changed file is always diffed, ending exact either way.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../helpers/database";
import { folderSource, runEngine, tableResult, tempDir, tsv } from "../helpers/engine-run";
import { expectTableEqualsFile } from "../helpers/exactness";

const rating = (n: number, votes = 100 + n) => `tt${String(n).padStart(7, "0")}\t7.5\t${votes}`;
const ratings = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => rating(from + i));

describe("file fingerprints", () => {
  let db: TestDatabase;
  let dir: string;
  const sync = async (mode: "first-run" | "incremental", sub: string, content: string) => {
    const source = await folderSource(dir, sub, "title_ratings", content);
    const summary = await runEngine(db.url, { mode, source, tables: ["title_ratings"] });
    expect(summary.status).toBe("succeeded");
    return tableResult(summary, "title_ratings");
  };

  beforeAll(async () => {
    db = await createTestDatabase("fingerprint");
    dir = await tempDir("fingerprint");
  });
  afterAll(async () => {
    await db?.drop();
  });

  it("skips a table whose file has the bytes of its last exact sync, from any folder", async () => {
    const day1 = tsv("title_ratings", ratings(1, 200));
    await sync("first-run", "day1", day1);
    const again = await sync("incremental", "day1-copy", day1);
    expect(again).toMatchObject({ status: "skipped", read: 0, inserted: 0, updated: 0, deleted: 0 });
    await expectTableEqualsFile(db.url, "title_ratings", day1);
  });

  it("diffs a changed file, and then skips it the next time", async () => {
    const day2 = tsv("title_ratings", [...ratings(1, 100), rating(101, 1), ...ratings(102, 210)]);
    const changed = await sync("incremental", "day2", day2);
    expect(changed).toMatchObject({ status: "succeeded", inserted: 10, updated: 1, deleted: 0 });
    await expectTableEqualsFile(db.url, "title_ratings", day2);
    expect((await sync("incremental", "day2", day2)).status).toBe("skipped");
  });

  it("does not remember a sync with a rejected line: the same file is diffed again", async () => {
    const withBadLine = tsv("title_ratings", [...ratings(1, 100), "tt0000101\tnot a rating\t5", ...ratings(102, 210)]);
    const first = await sync("incremental", "bad", withBadLine);
    expect(first).toMatchObject({ status: "succeeded", rejected: 1 });
    const second = await sync("incremental", "bad", withBadLine);
    expect(second).toMatchObject({ status: "succeeded", rejected: 1, read: 210, inserted: 0, updated: 0 });
  });

  it("does not remember a sync whose deletes were withheld: the same file is diffed again", async () => {
    const good = tsv("title_ratings", ratings(1, 210));
    await sync("incremental", "good", good);
    const shrunk = tsv("title_ratings", ratings(1, 100));
    const first = await sync("incremental", "shrunk", shrunk);
    expect(first.deletesWithheld).toBe(110);
    const second = await sync("incremental", "shrunk", shrunk);
    expect(second).toMatchObject({ status: "succeeded", read: 100, deletesWithheld: 110 });
  });
});
