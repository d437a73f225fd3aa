/**
 * The change log and the versions rebuilt from it equal what a direct comparison of the snapshots gives.
 * A sequence of snapshots of all seven files, from the real IMDb rows under test/fixtures/imdb (December 2018,
 * then January 2021: real renames, rating moves, a changed principal, many deletes) and edits of them (a
 * deleted key inserted again, `\N` ↔ empty string, case-only and trailing-space changes, new and removed
 * orderings), goes through the three incremental paths (kept file, table read, a file out of order). After the
 * runs: every run's log equals the diff of its two snapshots; every key, and every table listed a page at a
 * time, as it was after each run equals that run's snapshot; a cancelled run and a run whose apply failed
 * leave no entries for rows they did not change; tracking off writes none and moves the horizon; a purge keeps
 * exactly what its rule says.
 */

import { readFileSync } from "node:fs";
import { rm } from "node:fs/promises";
import path from "node:path";
import type { RowDataPacket } from "mysql2";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { datasets, type TableName, tableNames } from "../../lib/catalog/datasets";
import { getPool } from "../../lib/db";
import { parseHistoryRetention, purgeHistory } from "../../lib/etl/history";
import { keptFolder } from "../../lib/etl/kept-file";
import { executeRun } from "../../lib/etl/pipeline";
import { type Change, nameHistory, recentChanges, runChanges } from "../../lib/queries/history";
import { HistoryNotKept, historyHorizon, keyVersions, rowAsOf, tableAsOf } from "../../lib/queries/table-history";
import { createTestDatabase, type TestDatabase } from "../helpers/database";
import { folderSource, queueRun, runEngine, tempDir, testSettings, tsv } from "../helpers/engine-run";

type Snapshot = Record<TableName, string[]>;
/** A table's rows by key: `tt0000001` or `tt0000001/2` (with ordering) → the line. */
type Rows = Map<string, string>;

const fixture = (month: string): Snapshot =>
  Object.fromEntries(
    tableNames.map((t) => {
      const file = path.resolve("test/fixtures/imdb", month, datasets[t].file.replace(/\.gz$/, ""));
      return [t, readFileSync(file, "utf8").split("\n").slice(1).filter(Boolean)];
    }),
  ) as Snapshot;

const hasOrdering = (t: TableName) => datasets[t].keyFields.length === 2;
const keyOf = (t: TableName, line: string) => {
  const [key, ordering] = line.split("\t");
  return hasOrdering(t) ? `${key}/${ordering}` : (key as string);
};
const rowsOf = (t: TableName, lines: string[]): Rows => new Map(lines.map((l) => [keyOf(t, l), l]));
const splitKey = (key: string): [number, number] => {
  const [text, ordering] = key.split("/");
  return [Number(text?.slice(2)), Number(ordering ?? 0)];
};
const fieldsOf = (t: TableName, line: string) => {
  const values = line.split("\t");
  return Object.fromEntries(datasets[t].fields.map((f, i) => [f.name, values[i] === "\\N" ? null : values[i]]));
};

/** What a direct comparison of two snapshots of a table says changed, in the change log's shape. */
function diff(t: TableName, before: Rows, after: Rows): Change[] {
  const changes: Change[] = [];
  const ordering = (key: string) => (hasOrdering(t) ? splitKey(key)[1] : null);
  const valueFields = datasets[t].fields.filter((f) => !datasets[t].keyFields.includes(f.name)).map((f) => f.name);
  for (const [key, line] of after) {
    const old = before.get(key);
    const base = { table: t, key: key.split("/")[0] as string, ordering: ordering(key) };
    if (old === undefined) changes.push({ ...base, kind: "insert" });
    else if (old !== line) {
      const [o, n] = [fieldsOf(t, old), fieldsOf(t, line)];
      const columns = Object.fromEntries(
        valueFields.filter((c) => o[c] !== n[c]).map((c) => [c, { old: o[c] ?? null, new: n[c] ?? null }]),
      );
      changes.push({ ...base, kind: "update", columns });
    }
  }
  for (const key of before.keys()) {
    if (!after.has(key))
      changes.push({ table: t, key: key.split("/")[0] as string, ordering: ordering(key), kind: "delete" });
  }
  return changes;
}

const sortChanges = (changes: Change[]) =>
  [...changes].sort((a, b) =>
    `${a.table} ${a.key} ${String(a.ordering).padStart(5)}`.localeCompare(
      `${b.table} ${b.key} ${String(b.ordering).padStart(5)}`,
    ),
  );

/** Replaces one field of the line with the given key. */
function edit(lines: string[], t: TableName, key: string, field: string, value: string): string[] {
  const index = datasets[t].fields.findIndex((f) => f.name === field);
  let found = false;
  const out = lines.map((line) => {
    if (keyOf(t, line) !== key) return line;
    found = true;
    const values = line.split("\t");
    values[index] = value;
    return values.join("\t");
  });
  if (!found) throw new Error(`no ${key} in ${t}`);
  return out;
}

const byKeyNumber = (t: TableName) => (a: string, b: string) => {
  const [[an, ao], [bn, bo]] = [splitKey(keyOf(t, a)), splitKey(keyOf(t, b))];
  return an - bn || ao - bo;
};

/** Each title's (or person's) lines in reverse order of keys: a file the database path has to compare. */
function reversedKeys(lines: string[]): string[] {
  const groups: string[][] = [];
  for (const line of lines) {
    const last = groups.at(-1);
    if (last && (last[0] as string).split("\t")[0] === line.split("\t")[0]) last.push(line);
    else groups.push([line]);
  }
  return groups.reverse().flat();
}

/** Every change a run logged, read a page of `limit` at a time through the keyset cursor. */
async function allChanges(url: string, runId: number, limit: number): Promise<Change[]> {
  const out: Change[] = [];
  let after: string | undefined;
  for (let pages = 0; pages < 10_000; pages++) {
    const page = await runChanges(runId, { after, limit }, getPool(url));
    expect(page.changes.length).toBeLessThanOrEqual(limit);
    out.push(...page.changes);
    if (!page.next) return out;
    after = page.next;
  }
  throw new Error("the cursor never ended");
}

describe("change history", () => {
  let db: TestDatabase;
  let dir: string;
  let keptDir: string;
  /** Each run's id and every table's rows after it. */
  const states: { runId: number; rows: Record<TableName, Rows> }[] = [];

  beforeAll(async () => {
    db = await createTestDatabase("history");
    dir = await tempDir("history");
    keptDir = path.join(dir, "kept");
  });
  afterAll(async () => {
    await db?.drop();
    await rm(dir, { recursive: true, force: true });
  });

  const allRows = (snapshot: Snapshot) =>
    Object.fromEntries(tableNames.map((t) => [t, rowsOf(t, snapshot[t])])) as Record<TableName, Rows>;

  async function write(n: number, snapshot: Snapshot, order: (t: TableName, l: string[]) => string[] = (_, l) => l) {
    let source = "";
    for (const t of tableNames) source = await folderSource(dir, `s${n}`, t, tsv(t, order(t, snapshot[t])));
    return source;
  }

  async function sync(
    n: number,
    mode: "first-run" | "incremental",
    snapshot: Snapshot,
    options: { unsorted?: boolean } = {},
  ) {
    const source = await write(n, snapshot, options.unsorted ? (_, l) => reversedKeys(l) : undefined);
    const summary = await runEngine(db.url, {
      mode,
      source,
      tables: [...tableNames],
      forceDeletes: true,
      settings: { keptDir },
    });
    expect(summary.status, summary.error ?? "").toBe("succeeded");
    states.push({ runId: summary.id, rows: allRows(snapshot) });
    return summary;
  }

  it("logs every change of every run exactly and rebuilds every earlier version", async () => {
    const s0 = fixture("2018-12");
    const first = await sync(0, "first-run", s0);
    expect(await allChanges(db.url, first.id, 100)).toEqual([]);
    for (const t of tableNames) expect(await historyHorizon(t, getPool(db.url))).toBe(first.id);

    // A real day: 2018-12 → 2021-01, diffed against the kept files.
    const s1 = fixture("2021-01");
    const r1 = await sync(1, "incremental", s1);
    expect(r1.tables.every((t) => t.message?.startsWith("Diffed against the kept file"))).toBe(true);

    // Edits of the real rows, compared with the tables read back (no kept file).
    let basics = [...s1.title_basics, s0.title_basics.find((l) => l.startsWith("tt0000136\t")) as string];
    basics.sort(byKeyNumber("title_basics"));
    basics = edit(basics, "title_basics", "tt0000001", "primaryTitle", "CARMENCITA"); // case only
    basics = edit(basics, "title_basics", "tt0000002", "originalTitle", ""); // a value → empty string
    basics = edit(basics, "title_basics", "tt0000003", "endYear", "1900"); // \N → a number
    basics = edit(basics, "title_basics", "tt0000005", "primaryTitle", "Blacksmith Scene "); // trailing space
    basics = edit(basics, "title_basics", "tt0000004", "genres", "Animation,Comedy"); // genres
    let akas = edit(s1.title_akas, "title_akas", "tt0000001/2", "types", ""); // \N → empty string
    akas = edit(akas, "title_akas", "tt0000001/3", "title", "carmencita"); // case only
    akas = akas.filter((l) => keyOf("title_akas", l) !== "tt0000002/2");
    const ratings = edit(s1.title_ratings, "title_ratings", "tt0000001", "numVotes", "9999");
    const s2: Snapshot = {
      ...s1,
      title_basics: basics,
      title_akas: akas,
      title_ratings: edit(ratings, "title_ratings", "tt0000002", "averageRating", "9.9"),
      name_basics: edit(s1.name_basics, "name_basics", "nm0000001", "primaryName", "fred astaire"),
      title_principals: s1.title_principals.filter((l) => !l.startsWith("tt0000005\t")),
    };
    await rm(keptFolder(keptDir, db.url), { recursive: true, force: true });
    const r2 = await sync(2, "incremental", s2);
    expect(r2.tables.some((t) => t.message?.startsWith("Diffed against the kept file"))).toBe(false);

    // Back again in places, in files out of key order (compared in the database).
    const s3: Snapshot = {
      ...s2,
      title_basics: edit(s2.title_basics, "title_basics", "tt0000002", "originalTitle", "\\N"), // empty → \N
      title_akas: edit(s2.title_akas, "title_akas", "tt0000001/2", "types", "\\N"), // empty → \N
      title_ratings: edit(s2.title_ratings, "title_ratings", "tt0000001", "numVotes", "10500"),
      title_principals: s1.title_principals, // tt0000005's credits inserted again
    };
    const r3 = await sync(3, "incremental", s3, { unsorted: true });
    expect(r3.tables.find((t) => t.table === "title_basics")?.message).toMatch(/compared in the database/);

    for (const [i, state] of states.entries()) {
      if (i === 0) continue;
      const before = states[i - 1]?.rows as Record<TableName, Rows>;
      const expected = tableNames.flatMap((t) => diff(t, before[t], state.rows[t]));
      expect(expected.length, `run ${i} changes something`).toBeGreaterThan(0);
      const logged = await allChanges(db.url, state.runId, 37);
      expect(sortChanges(logged), `run #${state.runId}'s log`).toEqual(sortChanges(expected));
    }
    // The edits above are all in the log as asked: spot checks of what the comparison above covers.
    const r2Basics = await runChanges(r2.id, { table: "title_basics", kind: "update", limit: 100 }, getPool(db.url));
    const columnsOf = (key: string) => r2Basics.changes.find((c) => c.key === key)?.columns;
    expect(columnsOf("tt0000001")).toEqual({ primaryTitle: { old: "Carmencita", new: "CARMENCITA" } });
    expect(columnsOf("tt0000005")?.primaryTitle).toEqual({ old: "Blacksmith Scene", new: "Blacksmith Scene " });
    const reinserted = await runChanges(r2.id, { key: "tt0000136", limit: 10 }, getPool(db.url));
    expect(reinserted.changes).toEqual([{ table: "title_basics", key: "tt0000136", ordering: null, kind: "insert" }]);

    const person = await runChanges(r2.id, { key: "nm0000001", limit: 10 }, getPool(db.url));
    expect(person.changes).toEqual([
      {
        table: "name_basics",
        key: "nm0000001",
        ordering: null,
        kind: "update",
        columns: { primaryName: { old: "Fred Astaire", new: "fred astaire" } },
      },
    ]);

    // A person's history holds their credits' changes: tt0000005's credits went in run 2 and came back in run 3.
    const credited = String(s1.title_principals.find((l) => l.startsWith("tt0000005\t"))?.split("\t")[2]);
    const ofPerson = await nameHistory(credited, getPool(db.url));
    const creditChanges = ofPerson?.changes.filter((c) => c.table === "title_principals" && c.key === "tt0000005");
    expect(creditChanges?.map((c) => [c.runId, c.kind])).toEqual(
      expect.arrayContaining([
        [r3.id, "insert"],
        [r2.id, "delete"],
      ]),
    );

    // Across runs: newest run first, each run's changes in its own order, a page of 29 at a time.
    const acrossRuns: Change[] = [];
    let before: string | undefined;
    for (;;) {
      const page = await recentChanges(new Date(0), { before, limit: 29 }, getPool(db.url));
      acrossRuns.push(...page.changes.map(({ runId: _, at: __, ...change }) => change));
      if (!page.next) break;
      before = page.next;
    }
    const eachRun = [];
    for (const state of [...states].reverse()) eachRun.push(...(await allChanges(db.url, state.runId, 1000)));
    expect(acrossRuns).toEqual(eachRun);

    // Every key of every snapshot, as it was after each run, and every table listed as it was.
    const pool = getPool(db.url);
    for (const t of tableNames) {
      // One by one: every key that changed at some point, and every 25th of the others (the listing has them all).
      const all = [...new Set(states.flatMap((s) => [...s.rows[t].keys()]))];
      const changed = (key: string) => new Set(states.map((s) => s.rows[t].get(key))).size > 1;
      const keys = all.filter((key, i) => changed(key) || i % 25 === 0);
      for (const state of states) {
        for (const key of keys) {
          const [number, ordering] = splitKey(key);
          const line = state.rows[t].get(key);
          expect(await rowAsOf(t, number, ordering, state.runId, pool), `${t} ${key} after #${state.runId}`).toEqual(
            line === undefined ? undefined : fieldsOf(t, line),
          );
        }
        const listed: Record<string, string | null>[] = [];
        let after: [number, number] | undefined;
        for (;;) {
          const page = await tableAsOf(t, state.runId, { after, limit: 41 }, pool);
          listed.push(...page.rows);
          if (!page.next) break;
          after = page.next;
        }
        const expected = [...state.rows[t].values()].sort(byKeyNumber(t)).map((l) => fieldsOf(t, l));
        expect(listed, `${t} listed as after #${state.runId}`).toEqual(expected);
      }
    }
    await expect(rowAsOf("title_basics", 1, 0, first.id - 1, pool)).rejects.toBeInstanceOf(HistoryNotKept);

    // One key's versions: the deleted title tt0000136 (gone in 2021, back in s2).
    const versions = await keyVersions("title_basics", 136, 0, pool);
    expect(versions).toEqual([
      {
        validFromRun: null,
        validToRun: r1.id,
        row: fieldsOf("title_basics", s0.title_basics.find((l) => l.startsWith("tt0000136\t")) as string),
      },
      { validFromRun: r1.id, validToRun: r2.id, row: null },
      { validFromRun: r2.id, validToRun: null, row: expect.objectContaining({ tconst: "tt0000136" }) },
    ]);
  });

  it("a cancelled run and a run whose apply failed leave no entries for rows they did not change", async () => {
    const last = states.at(-1);
    if (!last) throw new Error("the first test did not run");
    const s4 = fixture("2018-12");
    const source = await write(4, s4);
    const run = {
      mode: "incremental" as const,
      source,
      tables: [...tableNames],
      forceDeletes: true,
      settings: { keptDir },
    };

    const cancelledId = await queueRun(db.url, run);
    const stop = new AbortController();
    stop.abort();
    const cancelled = await executeRun(db.url, cancelledId, { settings: testSettings(run), stop: stop.signal });
    expect(cancelled.status).toBe("cancelled");
    expect(await allChanges(db.url, cancelledId, 100)).toEqual([]);

    const pool = getPool(db.url);
    await pool.query(
      "CREATE TRIGGER history_test_fail BEFORE UPDATE ON title_ratings FOR EACH ROW SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'refused by the test'",
    );
    try {
      const failed = await runEngine(db.url, run);
      expect(failed.status).toBe("failed");
      expect(failed.tables.find((t) => t.table === "title_ratings")?.status).toBe("failed");
      const logged = await allChanges(db.url, failed.id, 500);
      const expected = tableNames
        .filter((t) => t !== "title_ratings")
        .flatMap((t) => diff(t, last.rows[t], rowsOf(t, s4[t])));
      expect(sortChanges(logged)).toEqual(sortChanges(expected));
      states.push({ runId: failed.id, rows: { ...allRows(s4), title_ratings: last.rows.title_ratings } });
    } finally {
      await pool.query("DROP TRIGGER IF EXISTS history_test_fail");
    }
  });

  it("with tracking off nothing is logged and the horizon moves past the run", async () => {
    const last = states.at(-1);
    if (!last) throw new Error("the earlier tests did not run");
    const ratings = edit([...last.rows.title_ratings.values()], "title_ratings", "tt0000001", "numVotes", "12345");
    const source = await folderSource(dir, "s5", "title_ratings", tsv("title_ratings", ratings));
    const summary = await runEngine(db.url, {
      mode: "incremental",
      source,
      tables: ["title_ratings"],
      settings: { keptDir, history: parseHistoryRetention("title_ratings=off") },
    });
    expect(summary.status).toBe("succeeded");
    expect(summary.tables[0]?.updated).toBeGreaterThan(0);
    expect(await allChanges(db.url, summary.id, 100)).toEqual([]);
    expect(await historyHorizon("title_ratings", getPool(db.url))).toBe(summary.id);
    await expect(rowAsOf("title_ratings", 1, 0, summary.id - 1, getPool(db.url))).rejects.toBeInstanceOf(
      HistoryNotKept,
    );
  });

  it("a purge keeps exactly what each table's rule says, in batches", async () => {
    const pool = getPool(db.url);
    const entries = async () => {
      const [rows] = await pool.query<RowDataPacket[]>(
        "SELECT run_id, table_name, key_number, ordering FROM etl_changes ORDER BY run_id, table_name, key_number, ordering",
      );
      return rows.map((r) => `${r.run_id} ${r.table_name} ${r.key_number} ${r.ordering}`);
    };
    const before = await entries();
    const runsOf = (table: string) => [
      ...new Set(before.filter((e) => e.split(" ")[1] === table).map((e) => Number(e.split(" ")[0]))),
    ];
    // The runs started one day apart, the newest today.
    const [runs] = await pool.query<RowDataPacket[]>("SELECT id FROM etl_runs ORDER BY id DESC");
    const now = new Date("2030-01-10T12:00:00Z");
    for (const [i, r] of runs.entries()) {
      await pool.query("UPDATE etl_runs SET started_at = ? WHERE id = ?", [
        new Date(now.getTime() - i * 86_400_000),
        r.id,
      ]);
    }
    const dayOf = new Map(runs.map((r, i) => [Number(r.id), i]));
    const akasRuns = runsOf("title_akas");
    expect(akasRuns.length).toBeGreaterThanOrEqual(3);
    const settings = parseHistoryRetention("title_akas=2runs,title_basics=2d,name_basics=off,*=all");
    const purged = await purgeHistory(pool, settings, { batchRows: 7, now });

    const keptAkasRuns = akasRuns.slice(-2);
    const kept = (e: string) => {
      const [run, table] = [Number(e.split(" ")[0]), e.split(" ")[1]];
      if (table === "title_akas") return keptAkasRuns.includes(run);
      if (table === "title_basics") return (dayOf.get(run) ?? 99) <= 2;
      return true;
    };
    expect(await entries()).toEqual(before.filter(kept));
    expect(purged.title_akas).toBe(before.filter((e) => e.split(" ")[1] === "title_akas" && !kept(e)).length);
    expect(purged.title_akas).toBeGreaterThan(7);
    expect(await historyHorizon("title_akas", pool)).toBe((keptAkasRuns[0] as number) - 1);
  });
});
