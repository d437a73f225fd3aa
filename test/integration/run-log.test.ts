/**
 * A run's own log on the real server: the engine's lines, with their levels and tables, kept in etl_run_log
 * beside the run, in order: a run whose one table fails has its error line naming the column, and the others'.
 */
import type { RowDataPacket } from "mysql2/promise";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { datasets, expectedHeader } from "../../lib/catalog/datasets";
import { closePools, getPool } from "../../lib/db";
import { createTestDatabase, type TestDatabase } from "../helpers/database";
import { folderSource, runEngine, tempDir, tsv } from "../helpers/engine-run";

describe("run logs", () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase("run_log");
  });
  afterAll(async () => {
    await closePools();
    await database?.drop();
  });

  it("keeps the engine's lines of a run, with levels and tables, in order", async () => {
    const dir = await tempDir("run-log");
    const header = expectedHeader(datasets.title_ratings).replace("numVotes", "votes");
    await folderSource(dir, "src", "title_ratings", `${header}\ntt0000001\t7.0\t5\n`);
    const source = await folderSource(dir, "src", "title_crew", tsv("title_crew", ["tt0000001\t\\N\t\\N"]));
    const summary = await runEngine(database.url, {
      mode: "incremental",
      source,
      tables: ["title_ratings", "title_crew"],
    });
    expect(summary.status).toBe("failed");
    const [rows] = await getPool(database.url).query<RowDataPacket[]>(
      "SELECT level, table_name AS tableName, message, details FROM etl_run_log WHERE run_id = ? ORDER BY id",
      [summary.id],
    );
    const lines = rows.map((r) => ({ level: r.level, table: r.tableName, message: r.message }));
    expect(lines[0]).toEqual({ level: "info", table: null, message: "sync started" });
    expect(lines).toContainEqual({
      level: "error",
      table: "title_ratings",
      message: expect.stringMatching(
        /^table failed: title.ratings.tsv.gz: the header differs[\s\S]*found: +tconst\taverageRating\tvotes$/,
      ),
    });
    expect(lines).toContainEqual({ level: "info", table: "title_crew", message: "table synced" });
    expect(lines).toContainEqual({ level: "info", table: null, message: "data-quality checks done" });
    expect(lines.at(-1)).toEqual({ level: "info", table: null, message: "sync finished" });
    const synced = rows.find((r) => r.tableName === "title_crew");
    expect(JSON.parse(String(synced?.details))).toMatchObject({ inserted: 1, read: 1 });
  });
});
