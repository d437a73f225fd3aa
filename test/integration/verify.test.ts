/**
 * Verify and repair on the real server: after a first build of the bundled sample, rows changed behind the
 * engine's back with SQL (a value updated, a row_hash overwritten, a row deleted, a row inserted) are found by
 * a verify with exact counts and examples while nothing is written; a repair puts the tables back equal to
 * their files, and a verify after it finds nothing. Neither takes a shortcut: a file with the bytes of the
 * last exact sync (its fingerprint known) or an IMDb answer 304 is still compared row by row.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { createWriteStream, readFileSync } from "node:fs";
import { mkdir } from "node:fs/promises";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { gunzipSync } from "node:zlib";
import { eq } from "drizzle-orm";
import type { RowDataPacket } from "mysql2";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { etlRuns } from "../../db/schema";
import { datasets, type TableName, tableNames } from "../../lib/catalog/datasets";
import { closePools, getDb, getPool } from "../../lib/db";
import { executeRun } from "../../lib/etl/pipeline";
import { requestCancel } from "../../lib/run-record/states";
import { SyncBusyError } from "../../lib/runs/errors";
import { buildEngine } from "../../scripts/bench/sync";
import { createTestDatabase, type TestDatabase } from "../helpers/database";
import {
  type EngineRun,
  folderSource,
  queueRun,
  rejectsOf,
  runEngine,
  type Summary,
  tableResult,
  tableRows,
  tempDir,
  testSettings,
} from "../helpers/engine-run";
import { expectGenresEqualFile, expectTableEqualsFile } from "../helpers/exactness";
import { serveWithEtag, startServer } from "../helpers/http-server";

/** The text of a bundled sample file, and its number of data lines. */
const sampleTsv = (table: TableName) =>
  gunzipSync(readFileSync(path.resolve("data/sample", datasets[table].file))).toString("utf8");
const sampleRows = (table: TableName) => sampleTsv(table).split("\n").filter(Boolean).length - 1;

const all = [...tableNames];
const noDrift = { missing: 0, differing: 0, extra: 0, examples: [] };

describe("verify and repair", () => {
  let db: TestDatabase;
  let dir: string;
  const run = (extra: Partial<EngineRun> & Pick<EngineRun, "mode">) =>
    runEngine(db.url, { source: "sample", tables: all, ...extra });
  const sql = async (...statements: string[]) => {
    for (const statement of statements) await getPool(db.url).query(statement);
  };
  /**
   * Every row of every table the engine writes, in key order: equal contents, nothing written. (Not CHECKSUM
   * TABLE: once, in CI, it gave title_episode another checksum with no write in between; it reads the buffers of
   * virtual columns, which a plain SELECT computes.)
   */
  const tableContents = () =>
    Promise.all([...tableNames, "title_genres" as const, "genres" as const].map((t) => tableRows(db.url, t)));
  /** Tables whose last exact file is known (a plain incremental sync skips them when the file is the same). */
  const fingerprinted = async () => {
    const [rows] = await getPool(db.url).query<RowDataPacket[]>(
      "SELECT table_name AS t FROM etl_table_files ORDER BY table_name",
    );
    return rows.map((r) => String(r.t));
  };
  const expectNoDrift = (summary: Summary, tables: TableName[] = all) => {
    expect(summary).toMatchObject({ mode: "verify", status: "succeeded" });
    for (const table of tables) {
      const read = sampleRows(table);
      expect(tableResult(summary, table), table).toMatchObject({ status: "succeeded", read, unchanged: read });
      expect(tableResult(summary, table).drift, table).toEqual(noDrift);
    }
  };

  beforeAll(async () => {
    db = await createTestDatabase("verify");
    dir = await tempDir("verify");
    expect((await run({ mode: "first-run" })).status).toBe("succeeded");
  });
  afterAll(async () => {
    await closePools();
    await db?.drop();
  });

  it("finds no drift right after a sync, reading every table although each file is the one last synced", async () => {
    expect(await fingerprinted()).toEqual([...all].sort());
    const summary = await run({ mode: "verify" });
    expectNoDrift(summary);
    for (const table of all) expect(tableResult(summary, table)).toMatchObject({ inserted: 0, updated: 0, deleted: 0 });
  });

  it("finds rows changed behind the engine's back, with exact counts and examples, and writes nothing", async () => {
    await sql(
      // A value changed with row_hash left as it was (what anyone's UPDATE does).
      "UPDATE title_ratings SET numVotes = numVotes + 1 WHERE tid = 2",
      "UPDATE title_basics SET genres = 'Drama' WHERE tid = 1",
      "DELETE FROM title_akas WHERE tid = 1 AND ordering = 2",
      "INSERT INTO title_ratings (tid, averageRating, numVotes, row_hash) VALUES (99999999, 9.9, 1, UNHEX('0123456789abcdef'))",
      // The values left as they were, the row_hash not: the row is no longer what the sync wrote either.
      "UPDATE title_episode SET row_hash = UNHEX('0000000000000000') WHERE tid = 33952",
    );
    // A plain incremental sync cannot see it: every file has the bytes of its table's last exact sync.
    const incremental = await run({ mode: "incremental" });
    for (const table of all) expect(tableResult(incremental, table).status, table).toBe("skipped");
    expect(await fingerprinted()).toEqual([...all].sort());

    const before = await tableContents();
    const summary = await run({ mode: "verify" });
    expect(await tableContents()).toEqual(before);
    expect(summary).toMatchObject({ mode: "verify", repair: false, status: "succeeded" });
    expect(tableResult(summary, "title_ratings")).toMatchObject({
      read: sampleRows("title_ratings"),
      unchanged: sampleRows("title_ratings") - 1,
      inserted: 0,
      updated: 0,
      deleted: 0,
      message: "Drift: 0 missing, 1 differing, 1 extra.",
      drift: {
        missing: 0,
        differing: 1,
        extra: 1,
        examples: [
          { kind: "differing", key: "tt0000002", ordering: null, lineNumber: 3 },
          { kind: "extra", key: "tt99999999", ordering: null, lineNumber: null },
        ],
      },
    });
    expect(tableResult(summary, "title_basics").drift).toEqual({
      missing: 0,
      differing: 1,
      extra: 0,
      examples: [{ kind: "differing", key: "tt0000001", ordering: null, lineNumber: 2 }],
    });
    expect(tableResult(summary, "title_akas")).toMatchObject({
      unchanged: sampleRows("title_akas") - 1,
      drift: {
        missing: 1,
        differing: 0,
        extra: 0,
        examples: [{ kind: "missing", key: "tt0000001", ordering: 2, lineNumber: 3 }],
      },
    });
    expect(tableResult(summary, "title_episode").drift).toEqual({
      missing: 0,
      differing: 1,
      extra: 0,
      examples: [{ kind: "differing", key: "tt0033952", ordering: null, lineNumber: 3 }],
    });
    expectNoDrift(summary, ["name_basics", "title_crew", "title_principals"]);
    // The drifted tables no longer equal the files their fingerprints describe: the next sync compares them.
    const drifted = ["title_akas", "title_basics", "title_episode", "title_ratings"];
    expect(await fingerprinted()).toEqual(all.filter((t) => !drifted.includes(t)).sort());
  });

  it("counts a rejected line as a sync does, not as drift", async () => {
    const text = sampleTsv("title_ratings").replace(/^tt0000003\t.*$/m, "tt0000003\tnot a rating\t1");
    const source = await folderSource(dir, "rejected", "title_ratings", text);
    const summary = await run({ mode: "verify", source, tables: ["title_ratings"] });
    expect(tableResult(summary, "title_ratings")).toMatchObject({
      rejected: 1,
      unchanged: sampleRows("title_ratings") - 2,
      drift: { missing: 0, differing: 1, extra: 1 },
    });
    expect(await rejectsOf(db.url, summary.id)).toMatchObject([{ tableName: "title_ratings", lineNumber: 4 }]);
  });

  it("repairs through an incremental sync comparing every row: the tables equal their files again", async () => {
    const summary = await run({ mode: "verify", repair: true });
    expect(summary).toMatchObject({ mode: "incremental", repair: true, status: "succeeded" });
    expect(tableResult(summary, "title_ratings")).toMatchObject({ inserted: 0, updated: 1, deleted: 1, drift: null });
    expect(tableResult(summary, "title_basics")).toMatchObject({ inserted: 0, updated: 1, deleted: 0 });
    expect(tableResult(summary, "title_akas")).toMatchObject({ inserted: 1, updated: 0, deleted: 0 });
    expect(tableResult(summary, "title_episode")).toMatchObject({ inserted: 0, updated: 1, deleted: 0 });
    for (const table of ["name_basics", "title_crew", "title_principals"] as const) {
      // Compared although its fingerprint matched, and left alone.
      const read = sampleRows(table);
      expect(tableResult(summary, table), table).toMatchObject({ status: "succeeded", read, unchanged: read });
    }
    for (const table of all) await expectTableEqualsFile(db.url, table, sampleTsv(table));
    await expectGenresEqualFile(db.url, sampleTsv("title_basics"));
    expectNoDrift(await run({ mode: "verify" }));
    expect(await fingerprinted()).toEqual([...all].sort());
  });

  it("repairs a table whose file has the bytes of its last exact sync", async () => {
    expect(await fingerprinted()).toContain("title_crew");
    await sql("UPDATE title_crew SET directors = 'nm0000001' WHERE tid = 1");
    expect(tableResult(await run({ mode: "incremental", tables: ["title_crew"] }), "title_crew").status).toBe(
      "skipped",
    );
    const summary = await run({ mode: "verify", repair: true, tables: ["title_crew"] });
    expect(tableResult(summary, "title_crew")).toMatchObject({ status: "succeeded", updated: 1, unchanged: 998 });
    await expectTableEqualsFile(db.url, "title_crew", sampleTsv("title_crew"));
  });

  it("repairs without the kept-file diff, which cannot see drift: the file's changes and the drift together", async () => {
    await sql("UPDATE title_ratings SET numVotes = 1 WHERE tid = 5");
    const changed = sampleTsv("title_ratings").replace(/^tt0000001\t.*$/m, "tt0000001\t9.9\t99");
    const source = await folderSource(dir, "changed", "title_ratings", changed);
    // A plain incremental sync diffs the new file against the kept one: it writes the file's change only.
    const incremental = await run({ mode: "incremental", source, tables: ["title_ratings"] });
    expect(tableResult(incremental, "title_ratings")).toMatchObject({
      updated: 1,
      message: expect.stringContaining("kept file"),
    });
    const drift = await run({ mode: "verify", source, tables: ["title_ratings"] });
    expect(tableResult(drift, "title_ratings").drift?.examples).toEqual([
      { kind: "differing", key: "tt0000005", ordering: null, lineNumber: 6 },
    ]);
    // Drift cleared the fingerprint; the repair would not have taken the kept file either way.
    const repair = await run({ mode: "verify", repair: true, source, tables: ["title_ratings"] });
    const result = tableResult(repair, "title_ratings");
    expect(result).toMatchObject({ status: "succeeded", updated: 1, inserted: 0, deleted: 0 });
    expect(result.message ?? "").not.toContain("kept file");
    await expectTableEqualsFile(db.url, "title_ratings", changed);
  });

  it("repairs with a kept file and a fingerprint that match the file", async () => {
    await sql("UPDATE title_ratings SET numVotes = 2 WHERE tid = 7");
    const changed = sampleTsv("title_ratings").replace(/^tt0000001\t.*$/m, "tt0000001\t9.9\t99");
    const source = await folderSource(dir, "changed-again", "title_ratings", changed);
    expect(await fingerprinted()).toContain("title_ratings");
    const repair = await run({ mode: "verify", repair: true, source, tables: ["title_ratings"] });
    expect(tableResult(repair, "title_ratings")).toMatchObject({ status: "succeeded", updated: 1, read: 999 });
    await expectTableEqualsFile(db.url, "title_ratings", changed);
  });

  it("compares the kept download when IMDb answers 304, for a verify and a repair", async () => {
    const server = await startServer();
    try {
      const gz = readFileSync(path.resolve("data/sample", datasets.title_ratings.file));
      server.handle(serveWithEtag(gz, '"sample"'));
      const imdb = { source: "imdb", tables: ["title_ratings" as const] };
      const sourceSettings = { baseUrl: server.url, downloadDir: path.join(dir, "downloads") };
      expect((await run({ mode: "first-run", ...imdb, sourceSettings })).status).toBe("succeeded");
      await sql("DELETE FROM title_ratings WHERE tid = 1");
      const skipped = await run({ mode: "incremental", ...imdb, sourceSettings });
      expect(tableResult(skipped, "title_ratings").message).toContain("not modified");

      const verify = await run({ mode: "verify", ...imdb, sourceSettings });
      expect(server.requests.at(-1)?.status).toBe(304);
      expect(tableResult(verify, "title_ratings").drift).toMatchObject({ missing: 1, differing: 0, extra: 0 });
      const repair = await run({ mode: "verify", repair: true, ...imdb, sourceSettings });
      expect(server.requests.at(-1)?.status).toBe(304);
      expect(tableResult(repair, "title_ratings")).toMatchObject({ status: "succeeded", inserted: 1 });
      await expectTableEqualsFile(db.url, "title_ratings", sampleTsv("title_ratings"));
    } finally {
      await server.close();
    }
  });

  it("is a run like the others: one at a time, cancellable, and a cancelled verify records no drift", async () => {
    const folder = path.join(dir, "slow");
    await mkdir(folder);
    const fifo = path.join(folder, "title.ratings.tsv");
    execFileSync("mkfifo", [fifo]);
    const writer = createWriteStream(fifo);
    writer.on("error", () => {});
    writer.write(sampleTsv("title_ratings").split("\n").slice(0, 100).join("\n"));
    const before = await tableContents();
    const verify = { mode: "verify" as const, source: folder, tables: ["title_ratings" as const] };
    const id = await queueRun(db.url, verify);
    const done = executeRun(db.url, id, { settings: testSettings({}), heartbeatMs: 25 });
    for (let i = 0; i < 400; i++) {
      const [row] = await getDb(db.url).select().from(etlRuns).where(eq(etlRuns.id, id));
      if (row?.status === "running") break;
      await sleep(25);
    }
    await expect(queueRun(db.url, verify)).rejects.toBeInstanceOf(SyncBusyError);
    expect(await requestCancel(getDb(db.url), id)).toBe(true);
    await sleep(150);
    // The engine notices between chunks: one more line lets the scan reach its next check.
    writer.end("\n");
    const summary = await done;
    expect(summary).toMatchObject({ mode: "verify", status: "cancelled" });
    expect(tableResult(summary, "title_ratings").drift).toBeNull();
    expect(await tableContents()).toEqual(before);
  });

  it("the command line exits 4 when a verify finds drift, 0 when none, and prints the drift with --json", async () => {
    buildEngine();
    await sql("UPDATE title_ratings SET averageRating = 1.0 WHERE tid = 1");
    const cli = (...args: string[]) => {
      const base = [".cache/etl-cli.mjs", "--source", "sample", "--tables", "title_ratings", "--json"];
      const env = { ...process.env, DATABASE_URL: db.url, LOG_LEVEL: "silent" };
      const result = spawnSync(process.execPath, [...base, ...args], { env, encoding: "utf8" });
      const last = result.stdout.trim().split("\n").at(-1) ?? "";
      return { status: result.status, json: last.startsWith("{") ? JSON.parse(last) : undefined, result };
    };
    const found = cli("--mode", "verify");
    expect(found.status, found.result.stderr).toBe(4);
    expect(found.json).toMatchObject({
      mode: "verify",
      status: "succeeded",
      tables: [
        { table: "title_ratings", drift: { differing: 1, examples: [{ kind: "differing", key: "tt0000001" }] } },
      ],
    });
    const repaired = cli("--mode", "verify", "--repair");
    expect(repaired.status, repaired.result.stderr).toBe(0);
    expect(repaired.json).toMatchObject({ mode: "incremental", repair: true, tables: [{ updated: 1 }] });
    expect(cli("--mode", "verify").status).toBe(0);
    expect(cli("--mode", "incremental", "--repair").status).toBe(2);
  });
});
