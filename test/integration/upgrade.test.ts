/**
 * An upgrade from the previous release: a mirror built on the schema of the release before migration 0011
 * (test/fixtures/migrations-0010: db/migrations as of commit 8d5df2b, 0000–0010), with runs, their per-table
 * records, kept-file fingerprints and change history, is migrated to the current schema (0011 rebuilds every
 * IMDb table: its text keys become STORED). The tables stay exact, the run history is kept row for row, a
 * current sync afterwards ends exact, and the table as it was after a run before the upgrade is rebuilt from it.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import mysql, { type RowDataPacket } from "mysql2/promise";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { datasets, tableNames } from "../../lib/catalog/datasets";
import { closePools, getPool } from "../../lib/db";
import { migrateDatabase, migrationsFolder } from "../../lib/db/migrate";
import { lineColumns } from "../../lib/queries/history";
import { tableAsOf } from "../../lib/queries/table-history";
import { createTestDatabase, type TestDatabase } from "../helpers/database";
import { runEngine } from "../helpers/engine-run";
import { expectGenresEqualFile, expectTableEqualsFile, linesByKey } from "../helpers/exactness";
import { newer, older, text } from "../helpers/real-samples";

const previousRelease = path.resolve("test/fixtures/migrations-0010");

/** The tables a run writes about itself, whole and in key order. */
const historyTables: Record<string, string> = {
  etl_runs: "id",
  etl_run_tables: "run_id, table_name",
  etl_changes: "run_id, table_name, key_number, ordering",
  etl_table_files: "table_name",
  etl_history_horizon: "table_name",
  etl_rejects: "id",
  __drizzle_migrations: "id",
};

async function query(url: string, sql: string): Promise<RowDataPacket[]> {
  const connection = await mysql.createConnection({ uri: url });
  try {
    const [rows] = await connection.query(sql);
    return Array.isArray(rows) ? (rows as RowDataPacket[]).map((r) => ({ ...r }) as RowDataPacket) : [];
  } finally {
    await connection.end();
  }
}

/** Every row of the run history, without the columns the upgrade adds or turns into generated ones. */
async function runHistory(url: string): Promise<Record<string, RowDataPacket[]>> {
  const out: Record<string, RowDataPacket[]> = {};
  for (const [table, order] of Object.entries(historyTables)) {
    const rows = await query(url, `SELECT * FROM \`${table}\` ORDER BY ${order}`);
    out[table] = rows.map(({ active_slot: _slot, imdb_key: _key, ...rest }) => rest as RowDataPacket);
  }
  return out;
}

/** How each generated text-key column is stored: VIRTUAL before 0011, STORED after. */
async function generatedColumns(url: string): Promise<string[]> {
  const rows = await query(
    url,
    `SELECT CONCAT(table_name, '.', column_name, ' ', extra) AS c FROM information_schema.columns
      WHERE table_schema = DATABASE() AND extra LIKE '%GENERATED%' AND table_name <> 'etl_changes' ORDER BY 1`,
  );
  return rows.map((r) => String(r.c));
}

describe("an upgrade from the previous release's schema", () => {
  let db: TestDatabase;
  const runIds: number[] = [];
  beforeAll(async () => {
    db = await createTestDatabase("upgrade");
    // A database of its own on the previous release's migrations (createTestDatabase's is on the current ones).
    const url = new URL(db.url);
    url.pathname = `/${db.name}_old`;
    await query(db.url, `DROP DATABASE IF EXISTS \`${db.name}_old\``);
    const old = url.toString();
    await migrateDatabase(old, previousRelease);
    db = {
      ...db,
      url: old,
      name: `${db.name}_old`,
      drop: async () => {
        const server = new URL(old);
        server.pathname = "/";
        await query(server.toString(), `DROP DATABASE IF EXISTS \`${db.name}\``);
        await query(server.toString(), `DROP DATABASE IF EXISTS \`${db.name.replace(/_old$/, "")}\``);
      },
    };
  });
  afterAll(async () => {
    await closePools();
    await db?.drop();
  });

  it("a mirror built on the previous schema is exact, its history kept, after the upgrade and a sync", async () => {
    expect(await generatedColumns(db.url)).toContain("title_basics.tconst VIRTUAL GENERATED");

    // The mirror as the previous release leaves it: a first build of 2018-12, then an incremental run to 2021-01
    // (change history, kept-file fingerprints, run records).
    const first = await runEngine(db.url, { mode: "first-run", source: older, tables: [...tableNames] });
    expect(first.status, JSON.stringify(first.error)).toBe("succeeded");
    const second = await runEngine(db.url, {
      mode: "incremental",
      source: newer,
      tables: [...tableNames],
      forceDeletes: true,
    });
    expect(second.status, JSON.stringify(second.error)).toBe("succeeded");
    const before = await runHistory(db.url);
    expect(before.etl_changes?.length).toBeGreaterThan(100);
    expect(before.__drizzle_migrations).toHaveLength(11);

    await migrateDatabase(db.url);

    const columns = await generatedColumns(db.url);
    expect(columns).toContain("title_basics.tconst STORED GENERATED");
    expect(columns).toContain("etl_runs.active_slot STORED GENERATED");
    expect(columns.filter((c) => c.includes("VIRTUAL"))).toEqual([]);
    const after = await runHistory(db.url);
    // Every migration of this checkout is applied: the previous release's and those after it.
    const journal = JSON.parse(readFileSync(path.join(migrationsFolder, "meta/_journal.json"), "utf8"));
    expect(after.__drizzle_migrations).toHaveLength(journal.entries.length);
    expect({ ...after, __drizzle_migrations: after.__drizzle_migrations?.slice(0, 11) }).toEqual(before);
    for (const table of tableNames) await expectTableEqualsFile(db.url, table, text(newer, datasets[table].file));
    await expectGenresEqualFile(db.url, text(newer, "title.basics.tsv"));

    // A current sync on the upgraded mirror: back to 2018-12, exact, logged after the runs of the old release.
    const third = await runEngine(db.url, {
      mode: "incremental",
      source: older,
      tables: [...tableNames],
      forceDeletes: true,
    });
    expect(third.status, JSON.stringify(third.error)).toBe("succeeded");
    expect(third.id).toBeGreaterThan(second.id);
    // The search index, new in 0014, was built by the first sync after the upgrade: every title has its words.
    const [state] = await query(db.url, "SELECT needs_build, built_by_run FROM search_state");
    expect(state).toMatchObject({ needs_build: 0, built_by_run: third.id });
    const [indexed] = await query(
      db.url,
      "SELECT (SELECT COUNT(DISTINCT id) FROM search_words WHERE kind = 1) AS words, (SELECT COUNT(*) FROM title_basics WHERE primaryTitle REGEXP '[[:alnum:]]') AS titles",
    );
    expect(Number(indexed?.words)).toBe(Number(indexed?.titles));
    // So was its vocabulary (0015), for completion: a word's rows as the index holds them.
    const [vocabulary] = await query(
      db.url,
      `SELECT (SELECT COUNT(*) FROM search_vocabulary) AS words, (SELECT SUM(word_rows) FROM search_vocabulary) AS word_rows,
        (SELECT COUNT(*) FROM (SELECT 1 FROM search_words GROUP BY kind, word) w) AS distinct_words,
        (SELECT COUNT(*) FROM search_words) AS index_rows`,
    );
    expect(Number(vocabulary?.words)).toBeGreaterThan(0);
    expect(Number(vocabulary?.words)).toBe(Number(vocabulary?.distinct_words));
    expect(Number(vocabulary?.word_rows)).toBe(Number(vocabulary?.index_rows));
    runIds.push(first.id, second.id);
    for (const table of tableNames) await expectTableEqualsFile(db.url, table, text(older, datasets[table].file));
    await expectGenresEqualFile(db.url, text(older, "title.basics.tsv"));
    const runs = await query(db.url, "SELECT id, status FROM etl_runs ORDER BY id");
    expect(runs.map((r) => [Number(r.id), String(r.status)])).toEqual([
      [first.id, "succeeded"],
      [second.id, "succeeded"],
      [third.id, "succeeded"],
    ]);
  });

  it("the table as it was after each run before the upgrade is rebuilt from the history kept across it", async () => {
    // Run 1 left 2018-12 and run 2 (before the upgrade) 2021-01; run 2's log holds 2018-12's old lines and run 3's
    // (after the upgrade) 2021-01's.
    expect(runIds).toHaveLength(2);
    for (const [runId, folder] of [
      [runIds[0], older],
      [runIds[1], newer],
    ] as const) {
      const byKey = (rows: Record<string, string | null>[]) =>
        [...rows].sort((a, b) => String(a.tconst).localeCompare(String(b.tconst)));
      const expected = [...linesByKey(datasets.title_ratings, text(folder, "title.ratings.tsv")).values()].map((line) =>
        lineColumns("title_ratings", line),
      );
      const page = await tableAsOf("title_ratings", runId as number, { limit: 100_000 }, getPool(db.url));
      expect(byKey(page.rows)).toEqual(byKey(expected));
    }
  });
});
