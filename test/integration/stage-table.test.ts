import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { closePools, getPool } from "../../lib/db";
import { createTestDatabase, type TestDatabase } from "../helpers/database";
import { folderSource, runEngine, tablesLike, tempDir, tsv } from "../helpers/engine-run";
import { expectTableEqualsFile } from "../helpers/exactness";

const ratings = (votes: number) =>
  tsv(
    "title_ratings",
    Array.from({ length: 50 }, (_, i) => `tt${String(i + 1).padStart(7, "0")}\t${(i % 10) + 0.5}\t${votes + i}`),
  );

describe("the stage of changed rows", () => {
  let db: TestDatabase;
  let dir: string;
  beforeAll(async () => {
    db = await createTestDatabase("stage_table");
    dir = await tempDir("stage-table");
    const summary = await runEngine(db.url, {
      mode: "first-run",
      source: await folderSource(dir, "first", "title_ratings", ratings(100)),
      tables: ["title_ratings"],
    });
    expect(summary.status).toBe("succeeded");
  });
  afterAll(async () => {
    await closePools();
    await db.drop();
  });

  it("is a temporary table; an ordinary one left by an earlier version is dropped, and the run ends exact", async () => {
    await getPool(db.url).query("CREATE TABLE `_stage_title_ratings` LIKE `title_ratings`");
    const changed = ratings(200);
    const summary = await runEngine(db.url, {
      mode: "incremental",
      source: await folderSource(dir, "changed", "title_ratings", changed),
      tables: ["title_ratings"],
    });
    expect(summary.status).toBe("succeeded");
    await expectTableEqualsFile(db.url, "title_ratings", changed);
    expect(await tablesLike(db.url, "\\_stage\\_%")).toEqual([]);
  });
});
