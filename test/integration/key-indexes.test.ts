/**
 * People query the mirror with IMDb's own keys (data contract §4): for every key column, a lookup and a
 * join on it must go through an index, on tables the engine built. Checked with EXPLAIN on the real server
 * over synthetic data large enough (~40 k rows) that the optimizer prefers an index when it has one.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import type { RowDataPacket } from "mysql2";
import mysql from "mysql2/promise";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { tableNames } from "../../lib/catalog/datasets";
import { generateDataset } from "../../scripts/bench/generate";
import { type PlanRow, planProblems } from "../../scripts/bench/queries";
import { createTestDatabase, type TestDatabase } from "../helpers/database";
import { runEngine } from "../helpers/engine-run";

/** Every IMDb key column of the data contract, with a table that holds the same kind of key to join from. */
const keyColumns = [
  { table: "title_basics", column: "tconst", from: "title_ratings", fromColumn: "tconst" },
  { table: "title_ratings", column: "tconst", from: "title_basics", fromColumn: "tconst" },
  { table: "title_akas", column: "titleId", from: "title_basics", fromColumn: "tconst" },
  { table: "title_crew", column: "tconst", from: "title_ratings", fromColumn: "tconst" },
  { table: "title_episode", column: "tconst", from: "title_ratings", fromColumn: "tconst" },
  { table: "title_episode", column: "parentTconst", from: "title_ratings", fromColumn: "tconst" },
  { table: "title_principals", column: "tconst", from: "title_ratings", fromColumn: "tconst" },
  { table: "title_principals", column: "nconst", from: "name_basics", fromColumn: "nconst" },
  { table: "title_genres", column: "tconst", from: "title_ratings", fromColumn: "tconst" },
  { table: "name_basics", column: "nconst", from: "title_principals", fromColumn: "nconst" },
] as const;

describe("IMDb key columns", () => {
  let dir: string;
  let db: TestDatabase;
  let connection: mysql.Connection;

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), "key-indexes-"));
    await generateDataset({ scale: 0.0002, out: dir, seed: 5 });
    db = await createTestDatabase("key_indexes");
    const summary = await runEngine(db.url, { mode: "first-run", source: dir, tables: [...tableNames] });
    expect(summary.status).toBe("succeeded");
    connection = await mysql.createConnection({ uri: db.url });
    await connection.query(`ANALYZE TABLE ${[...tableNames, "title_genres"].join(", ")}`);
  });
  afterAll(async () => {
    await connection?.end();
    await db?.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  async function explain(sql: string, params: unknown[] = []): Promise<PlanRow[]> {
    const [rows] = await connection.query<RowDataPacket[]>(`EXPLAIN ${sql}`, params);
    return rows as PlanRow[];
  }

  async function someKey(table: string, column: string): Promise<string> {
    const [rows] = await connection.query<RowDataPacket[]>(
      `SELECT \`${column}\` AS k FROM \`${table}\` WHERE \`${column}\` IS NOT NULL LIMIT 1`,
    );
    const key = rows[0]?.k;
    expect(key, `${table}.${column} has rows`).toMatch(/^(tt|nm)\d{7,}$/);
    return String(key);
  }

  it.each(keyColumns)("a lookup by $column in $table uses an index", async ({ table, column }) => {
    const key = await someKey(table, column);
    const plan = await explain(`SELECT * FROM \`${table}\` WHERE \`${column}\` = ?`, [key]);
    expect(plan).toHaveLength(1);
    expect(plan[0]?.key, JSON.stringify(plan)).toBeTruthy();
    expect(planProblems(plan)).toEqual([]);
    const [rows] = await connection.query<RowDataPacket[]>(
      `SELECT \`${column}\` AS k FROM \`${table}\` WHERE \`${column}\` = ?`,
      [key],
    );
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.every((r) => r.k === key)).toBe(true);
  });

  it.each(keyColumns)(
    "a join on $column reads $table through an index (from $from)",
    async ({ table, column, from, fromColumn }) => {
      // STRAIGHT_JOIN keeps the order: `a` is read first, so `b` is the table looked up by the join key.
      const plan = await explain(
        `SELECT a.\`${fromColumn}\`, b.\`${column}\` FROM \`${from}\` a STRAIGHT_JOIN \`${table}\` b ON b.\`${column}\` = a.\`${fromColumn}\``,
      );
      const inner = plan.find((r) => r.table === "b");
      expect(inner?.type, JSON.stringify(plan)).toMatch(/^(eq_ref|ref)$/);
      expect(inner?.key, JSON.stringify(plan)).toBeTruthy();
      expect(planProblems(plan, ["a"])).toEqual([]);
    },
  );

  it("joins in both directions give the same rows as the numeric keys", async () => {
    const [byText] = await connection.query<RowDataPacket[]>(
      "SELECT COUNT(*) AS n FROM title_basics tb JOIN title_ratings tr ON tb.tconst = tr.tconst",
    );
    const [byNumber] = await connection.query<RowDataPacket[]>(
      "SELECT COUNT(*) AS n FROM title_basics tb JOIN title_ratings tr ON tb.tid = tr.tid",
    );
    expect(Number(byText[0]?.n)).toBeGreaterThan(0);
    expect(Number(byText[0]?.n)).toBe(Number(byNumber[0]?.n));
  });
});
