import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import mysql from "mysql2/promise";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { datasets, tableNames } from "../../lib/catalog/datasets";
import { generateDataset, type Manifest } from "../../scripts/bench/generate";
import { readLineBatches } from "../../scripts/bench/lines";
import { type Expected, mutateDataset } from "../../scripts/bench/mutate";
import { buildEngine, rowsWritten, runSync, type SyncSummary } from "../../scripts/bench/sync";
import { createTestDatabase, type TestDatabase } from "../helpers/database";

async function countLines(file: string): Promise<number> {
  let lines = 0;
  for await (const batch of readLineBatches(file)) lines += batch.length;
  return lines - 1;
}

function counters(summary: SyncSummary, table: string) {
  const t = summary.tables.find((x) => x.table === table);
  return t && { inserted: t.inserted, updated: t.updated, deleted: t.deleted, unchanged: t.unchanged };
}

describe("benchmark data synced by the engine", () => {
  let dir: string;
  let db: TestDatabase;
  let manifest: Manifest;
  let expected: Expected;

  beforeAll(async () => {
    buildEngine();
    dir = mkdtempSync(path.join(tmpdir(), "bench-data-"));
    manifest = await generateDataset({ scale: 0.0002, out: path.join(dir, "day1"), seed: 3 });
    expected = await mutateDataset({
      input: path.join(dir, "day1"),
      out: path.join(dir, "day2"),
      share: 0.01,
      seed: 3,
    });
    db = await createTestDatabase("bench_data");
  });
  afterAll(async () => {
    await db?.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  it("writes the row counts its manifest and expected.json claim", async () => {
    for (const table of tableNames) {
      const file = datasets[table].file;
      expect(await countLines(path.join(dir, "day1", file))).toBe(manifest.rows[table]);
      const e = expected[table];
      expect(await countLines(path.join(dir, "day2", file))).toBe(e.rows);
      expect(e.unchanged + e.updated + e.deleted).toBe(manifest.rows[table]);
      expect(e.unchanged + e.updated + e.inserted).toBe(e.rows);
      expect(e.updated).toBeGreaterThan(0);
    }
  });

  it("is loaded, left alone and then changed exactly as expected.json says", async () => {
    const run = (mode: "first-run" | "incremental", day: string) =>
      runSync({ databaseUrl: db.url, mode, source: path.join(dir, day) });

    const first = await run("first-run", "day1");
    expect(rowsWritten(first.summary)).toBe(Object.values(manifest.rows).reduce((a, b) => a + b, 0));

    const same = await run("incremental", "day1");
    expect(rowsWritten(same.summary)).toBe(0);

    const next = await run("incremental", "day2");
    for (const table of tableNames) {
      const { rows: _, ...want } = expected[table];
      expect(counters(next.summary, table), table).toEqual(want);
    }
    expect(next.summary.tables.every((t) => t.rejected === 0 && t.duplicates === 0)).toBe(true);

    const connection = await mysql.createConnection({ uri: db.url });
    try {
      for (const table of tableNames) {
        const [rows] = await connection.query(`SELECT COUNT(*) AS n FROM \`${table}\``);
        expect(Number((rows as { n: number }[])[0]?.n), table).toBe(expected[table].rows);
      }
    } finally {
      await connection.end();
    }
  });
});
