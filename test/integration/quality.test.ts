/**
 * The data-quality checks on the real server: after a first build of the bundled sample each count equals a
 * direct COUNT (a LEFT JOIN written here, not the checks' own SQL); then a property test: rounds of random
 * files for all seven tables (titles, people, credits, akas, episodes, ratings and crews added, removed and
 * re-pointed on both sides of every check), each synced incrementally, after which the counts the run carried
 * forward equal a direct COUNT and a full recount, row for row.
 */
import type { RowDataPacket } from "mysql2/promise";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type TableName, tableNames } from "../../lib/catalog/datasets";
import { closePools, getPool } from "../../lib/db";
import { qualityCheckNames, runQualityChecks } from "../../lib/quality/checks";
import { Rng } from "../../scripts/bench/prng";
import { createTestDatabase, type TestDatabase } from "../helpers/database";
import { folderSource, runEngine, tempDir, tsv } from "../helpers/engine-run";

/** Each check as a LEFT JOIN on the text keys: the rows whose key the named table lacks. */
const direct: Record<string, string> = {
  principals_unknown_title:
    "SELECT c.tconst AS k FROM title_principals c LEFT JOIN title_basics p ON p.tconst = c.tconst WHERE p.tid IS NULL",
  principals_unknown_name:
    "SELECT c.nconst AS k FROM title_principals c LEFT JOIN name_basics p ON p.nconst = c.nconst WHERE c.nconst IS NOT NULL AND p.nid IS NULL",
  akas_unknown_title:
    "SELECT c.titleId AS k FROM title_akas c LEFT JOIN title_basics p ON p.tconst = c.titleId WHERE p.tid IS NULL",
  episodes_unknown_series:
    "SELECT c.parentTconst AS k FROM title_episode c LEFT JOIN title_basics p ON p.tconst = c.parentTconst WHERE c.parentTconst IS NOT NULL AND p.tid IS NULL",
  episodes_unknown_title:
    "SELECT c.tconst AS k FROM title_episode c LEFT JOIN title_basics p ON p.tconst = c.tconst WHERE p.tid IS NULL",
  ratings_unknown_title:
    "SELECT c.tconst AS k FROM title_ratings c LEFT JOIN title_basics p ON p.tconst = c.tconst WHERE p.tid IS NULL",
  crew_unknown_title:
    "SELECT c.tconst AS k FROM title_crew c LEFT JOIN title_basics p ON p.tconst = c.tconst WHERE p.tid IS NULL",
};

const tt = (n: number) => `tt${String(n).padStart(7, "0")}`;
const nm = (n: number) => `nm${String(n).padStart(7, "0")}`;

describe("data-quality checks", () => {
  let database: TestDatabase;
  let dir: string;
  const pool = () => getPool(database.url);

  beforeAll(async () => {
    database = await createTestDatabase("quality");
    dir = await tempDir("quality");
  });
  afterAll(async () => {
    await closePools();
    await database?.drop();
  });

  /** Per check: the missing keys by a direct query, sorted. */
  async function directKeys(): Promise<Record<string, string[]>> {
    const out: Record<string, string[]> = {};
    for (const [name, sql] of Object.entries(direct)) {
      const [rows] = await pool().query<RowDataPacket[]>(sql);
      out[name] = rows.map((r) => String(r.k)).sort();
    }
    return out;
  }
  async function resultsOf(runId: number | null) {
    const [rows] = await pool().query<RowDataPacket[]>(
      runId === null
        ? "SELECT * FROM etl_quality_results WHERE id IN (SELECT MAX(id) FROM etl_quality_results GROUP BY check_name)"
        : "SELECT * FROM etl_quality_results WHERE run_id = ?",
      [runId],
    );
    return Object.fromEntries(rows.map((r) => [String(r.check_name), r]));
  }
  async function keptRows(): Promise<string[]> {
    const [rows] = await pool().query<RowDataPacket[]>(
      "SELECT check_name, key_number, ordering, ref_key FROM etl_quality_rows ORDER BY check_name, key_number, ordering",
    );
    return rows.map((r) => `${r.check_name} ${r.key_number} ${r.ordering} ${r.ref_key}`);
  }
  async function expectExact(runId: number) {
    const found = await directKeys();
    const results = await resultsOf(runId);
    expect(Object.keys(results).sort()).toEqual([...qualityCheckNames].sort());
    for (const name of qualityCheckNames) {
      const keys = found[name] ?? [];
      expect(Number(results[name]?.rows), name).toBe(keys.length);
      const examples = JSON.parse(String(results[name]?.examples)) as string[];
      expect(examples.length, name).toBe(Math.min(5, new Set(keys).size));
      for (const e of examples) expect(keys, name).toContain(e);
    }
    return results;
  }

  it("after a first build of the bundled sample, each count equals a direct count", async () => {
    const summary = await runEngine(database.url, { mode: "first-run", source: "sample", tables: [...tableNames] });
    expect(summary.status).toBe("succeeded");
    const results = await expectExact(summary.id);
    for (const name of qualityCheckNames) expect(results[name]?.method).toBe("full");
    // The sample's credits name people beyond its thousand: the check finds some.
    expect(Number(results.principals_unknown_name?.rows)).toBeGreaterThan(0);
  });

  it("after incremental runs that add and remove rows on both sides, the counts carried forward are exact", async () => {
    const rng = new Rng(20261207);
    const titles = 40;
    const people = 30;
    const pick = (n: number, share: number) =>
      Array.from({ length: n }, (_, i) => i + 1).filter(() => rng.unit() < share);
    /** Random files for every table: keys drawn from small spaces, so that each round adds and removes orphans. */
    const files = (): Record<TableName, string[]> => ({
      title_basics: pick(titles, 0.7).map((n) => `${tt(n)}\tmovie\tT${n}\tT${n}\t0\t2000\t\\N\t90\tDrama`),
      name_basics: pick(people, 0.7).map((n) => `${nm(n)}\tP${n}\t1970\t\\N\tactor\t\\N`),
      title_principals: pick(titles + 5, 0.5).flatMap((n) =>
        Array.from({ length: rng.range(1, 3) }, (_, o) => {
          // Now and then a key in a form no parent has ("nm7", not "nm0000007"): missing, like any unknown key.
          const draw = rng.unit();
          const person = draw < 0.1 ? "\\N" : draw < 0.15 ? `nm${rng.range(1, people)}` : nm(rng.range(1, people + 3));
          return `${tt(n)}\t${o + 1}\t${person}\tactor\t\\N\t\\N`;
        }),
      ),
      title_akas: pick(titles + 5, 0.4).flatMap((n) =>
        Array.from({ length: rng.range(1, 2) }, (_, o) => `${tt(n)}\t${o + 1}\tA${n}\tUS\t\\N\t\\N\t\\N\t0`),
      ),
      title_episode: pick(titles + 5, 0.4).map((n) => {
        const parent = rng.unit() < 0.1 ? "\\N" : tt(rng.range(1, titles + 5));
        return `${tt(n)}\t${parent}\t1\t${rng.range(1, 9)}`;
      }),
      title_ratings: pick(titles + 5, 0.6).map((n) => `${tt(n)}\t7.${rng.int(10)}\t${rng.range(1, 999)}`),
      title_crew: pick(titles + 5, 0.5).map((n) => `${tt(n)}\t\\N\t\\N`),
    });
    async function sync(round: number, mode: "first-run" | "incremental") {
      const content = files();
      let source = "";
      for (const table of tableNames)
        source = await folderSource(dir, `round-${round}`, table, tsv(table, content[table]));
      return runEngine(database.url, { mode, source, tables: [...tableNames], forceDeletes: true });
    }

    const first = await sync(0, "first-run");
    expect(first.status).toBe("succeeded");
    await expectExact(first.id);
    const methods = new Set<string>();
    for (let round = 1; round <= 8; round++) {
      const summary = await sync(round, "incremental");
      expect(summary.status).toBe("succeeded");
      const results = await expectExact(summary.id);
      for (const r of Object.values(results)) methods.add(String(r.method));
      // The same rows as a full recount.
      const carried = await keptRows();
      const recount = await runQualityChecks(pool(), { runId: null, upTo: summary.id, full: true });
      expect(await keptRows()).toEqual(carried);
      for (const r of recount) expect(r.rows, r.name).toBe(Number(results[r.name]?.rows));
    }
    // Every run touched the tables: each check was counted on the touched rows only, never in full.
    expect([...methods]).toEqual(["incremental"]);
  });

  it("a run that changed nothing carries every count forward; a table whose changes were not logged is counted in full", async () => {
    const [[latest]] = (await pool().query("SELECT MAX(id) AS id FROM etl_runs")) as unknown as [[{ id: number }]];
    // The same folder again: every table skipped, nothing changed, no checks (no results for the run).
    const [[source]] = (await pool().query("SELECT source FROM etl_runs WHERE id = ?", [latest.id])) as unknown as [
      [{ source: string }],
    ];
    const same = await runEngine(database.url, { mode: "incremental", source: source.source, tables: [...tableNames] });
    expect(same.status).toBe("succeeded");
    expect(await resultsOf(same.id)).toEqual({});
    // A first build of one table: its changes are not logged, so the checks on it count every row again.
    const ratings = await folderSource(
      dir,
      "ratings-only",
      "title_ratings",
      tsv("title_ratings", [`${tt(99)}\t5.0\t1`]),
    );
    const rebuilt = await runEngine(database.url, { mode: "first-run", source: ratings, tables: ["title_ratings"] });
    expect(rebuilt.status).toBe("succeeded");
    const results = await expectExact(rebuilt.id);
    expect(results.ratings_unknown_title?.method).toBe("full");
    expect(Number(results.ratings_unknown_title?.rows)).toBe(1);
    expect(results.principals_unknown_name?.method).toBe("carried");
  });
});
