/**
 * The read cache (lib/queries/read-cache.ts) on the real server: an answer is served until the mirror's data
 * version changes, so a sync's changes show as soon as its run has ended; while a run is active an answer is
 * served at most READ_CACHE_RUN_SECONDS (4 s here: wide margins on a loaded CI machine) after its query began; identical concurrent calls share one
 * query and different arguments never share an answer. Data: the search fixtures (test/fixtures/search), a first
 * build of day 1 and an incremental run to day 2 that renames, adds and deletes.
 */

import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import type { Pool } from "mysql2/promise";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { tableNames } from "../../lib/catalog/datasets";
import { getDb, getPool } from "../../lib/db";
import { raiseHorizon } from "../../lib/etl/history";
import { type GenreFilter, genreTitles } from "../../lib/queries/genres";
import { runChanges, titleHistory } from "../../lib/queries/history";
import { dataVersion, readThrough } from "../../lib/queries/read-cache";
import { search } from "../../lib/queries/search";
import { finishRun } from "../../lib/run-record/states";
import { createTestDatabase, type TestDatabase } from "../helpers/database";
import { queueRun, runEngine } from "../helpers/engine-run";

vi.hoisted(() => {
  process.env.READ_CACHE_RUN_SECONDS = "4";
});

const fixtures = path.resolve("test/fixtures/search");
const byVotes: GenreFilter = { sort: "votes", page: 1, pageSize: 50 };

/** The pool with a count of its queries other than the version's read: the reads the cache did not spare. */
function countingPool(pool: Pool): { pool: Pool; reads: () => number } {
  let reads = 0;
  const counted = new Proxy(pool, {
    get(target, property, receiver) {
      if (property !== "query") return Reflect.get(target, property, receiver);
      return (sql: string, ...rest: unknown[]) => {
        if (!/FROM etl_runs ORDER BY id DESC LIMIT 1/.test(sql)) reads++;
        return (target.query as (...args: unknown[]) => unknown)(sql, ...rest);
      };
    },
  });
  return { pool: counted, reads: () => reads };
}

describe("the read cache", () => {
  let db: TestDatabase;
  let pool: Pool;

  beforeAll(async () => {
    db = await createTestDatabase("read_cache");
    const summary = await runEngine(db.url, {
      mode: "first-run",
      source: path.join(fixtures, "day1"),
      tables: [...tableNames],
    });
    expect(summary.status).toBe("succeeded");
    pool = getPool(db.url);
  });
  afterAll(async () => {
    await db?.drop();
  });

  it("serves an answer until a sync's run ends, then that run's data at once", async () => {
    const tconsts = async (q: string) => (await search(q, 20, {}, pool)).titles.map((t) => t.tconst);
    const shawshank = await search("shawshank", 20, {}, pool);
    expect(shawshank.titles.map((t) => t.tconst)).toContain("tt0000120");
    expect(await search("shawshank", 20, {}, pool)).toBe(shawshank);
    const drama = await genreTitles("Drama", byVotes, pool);
    const arcade = await titleHistory("tt0000102", pool);
    expect(arcade?.ratings.at(-1)?.numVotes).toBe(900);
    const before = await dataVersion(pool);

    const summary = await runEngine(db.url, {
      mode: "incremental",
      source: path.join(fixtures, "day2"),
      tables: [...tableNames],
      forceDeletes: true,
    });
    expect(summary.status).toBe("succeeded");
    expect((await dataVersion(pool)).key).not.toBe(before.key);

    expect(await tconsts("shawshank")).not.toContain("tt0000120");
    expect((await tconsts("prison stories"))[0]).toBe("tt0000120");
    expect((await tconsts("star wars arcade"))[0]).toBe("tt0000102");
    const dramaAfter = await genreTitles("Drama", byVotes, pool);
    expect(dramaAfter).not.toBe(drama);
    expect(dramaAfter?.titles.find((t) => t.tconst === "tt0000120")?.primaryTitle).toBe("Prison Stories");
    expect(dramaAfter?.titles.map((t) => t.tconst)).toContain("tt15398776");
    const arcadeAfter = await titleHistory("tt0000102", pool);
    expect(arcadeAfter?.ratings.at(-1)).toMatchObject({ runId: summary.id, numVotes: 950 });
    const changes = await runChanges(summary.id, { table: "title_basics", limit: 100 }, pool);
    expect(changes.changes.map((c) => `${c.kind} ${c.key}`)).toContain("delete tt0000110");
  });

  it("changes the version when a purge raises the change log's horizon", async () => {
    const before = await dataVersion(pool);
    expect(before.running).toBe(false);
    expect((await dataVersion(pool)).key).toBe(before.key);
    const [[newest]] = (await pool.query("SELECT MAX(id) AS id FROM etl_runs")) as unknown as [[{ id: number }]];
    await raiseHorizon(pool, "title_akas", newest.id);
    expect((await dataVersion(pool)).key).not.toBe(before.key);
  });

  it("runs one query for identical concurrent calls, and keeps different arguments apart", async () => {
    const counted = countingPool(pool);
    const same = await Promise.all(Array.from({ length: 20 }, () => genreTitles("Comedy", byVotes, counted.pool)));
    // The genre's row and its page: two queries for twenty callers.
    expect(counted.reads()).toBe(2);
    expect(new Set(same).size).toBe(1);
    expect(same[0]?.titles.length).toBeGreaterThan(1);

    const [comedy2, drama, comedySmall] = await Promise.all([
      genreTitles("Comedy", { ...byVotes, page: 2, pageSize: 1 }, counted.pool),
      genreTitles("Drama", byVotes, counted.pool),
      genreTitles("Comedy", { ...byVotes, pageSize: 1 }, counted.pool),
    ]);
    expect(counted.reads()).toBe(8);
    expect(comedySmall?.titles.map((t) => t.tid)).toEqual(same[0]?.titles.slice(0, 1).map((t) => t.tid));
    expect(comedy2?.titles.map((t) => t.tid)).toEqual(same[0]?.titles.slice(1, 2).map((t) => t.tid));
    expect(drama?.genre.name).toBe("Drama");

    let loads = 0;
    const load = async () => ++loads;
    expect(await readThrough(pool, ["not kept"], load, () => false)).toBe(1);
    expect(await readThrough(pool, ["not kept"], load, () => false)).toBe(2);
  });

  it("while a run is active, serves an answer at most READ_CACHE_RUN_SECONDS old, and the fresh one once it ends", async () => {
    const runId = await queueRun(db.url, { mode: "incremental", source: "sample", tables: ["title_ratings"] });
    expect((await dataVersion(pool)).running).toBe(true);
    const votes = async () => (await genreTitles("Drama", byVotes, pool))?.titles[0]?.numVotes;
    const first = await genreTitles("Drama", byVotes, pool);
    const top = first?.titles[0];
    if (!top?.numVotes) throw new Error("Drama has no rated title");
    // A table of the run commits.
    await pool.query("UPDATE title_ratings SET numVotes = numVotes + 1 WHERE tid = ?", [top.tid]);
    expect(await genreTitles("Drama", byVotes, pool)).toBe(first);
    await sleep(2400);
    // Past half the bound: the answer still, while one query reads it again.
    expect(await genreTitles("Drama", byVotes, pool)).toBe(first);
    await sleep(1000);
    expect(await votes()).toBe(top.numVotes + 1);

    // Another table commits; the answer read a moment ago is served until the run ends, and not after.
    await pool.query("UPDATE title_ratings SET numVotes = numVotes + 1 WHERE tid = ?", [top.tid]);
    expect(await votes()).toBe(top.numVotes + 1);
    expect(await finishRun(getDb(db.url), runId, "cancelled")).toBe(true);
    expect(await votes()).toBe(top.numVotes + 2);
  });

  it("while a run is active, serves the answer on past READ_CACHE_RUN_SECONDS while its re-read still runs", async () => {
    const runId = await queueRun(db.url, { mode: "incremental", source: "sample", tables: ["title_ratings"] });
    const slowly = (value: number) => async () => {
      await sleep(3500);
      return value;
    };
    expect(await readThrough(pool, ["slow re-read"], async () => 1)).toBe(1);
    await sleep(2100);
    // Past half the bound: the answer, and a re-read that takes 3.5 s begins.
    expect(await readThrough(pool, ["slow re-read"], slowly(2))).toBe(1);
    await sleep(2100);
    // Past the bound (4 s) with the re-read still running: the answer at once, not a wait for the re-read.
    const started = performance.now();
    expect(await readThrough(pool, ["slow re-read"], slowly(3))).toBe(1);
    expect(performance.now() - started).toBeLessThan(500);
    expect(await finishRun(getDb(db.url), runId, "cancelled")).toBe(true);
  });
});
