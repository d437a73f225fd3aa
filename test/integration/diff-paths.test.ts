/**
 * The three incremental paths end with the same tables and the same counts. Random sequences of snapshots
 * (built from the bundled sample: inserts, updates, deletes, a changed genre list, rejected lines, repeated
 * keys with and without rejected lines (a kept file may repeat keys), a shrunk file whose deletes are withheld, a cancelled run) go through three mirrors:
 * - "kept": the engine as it runs, diffing against the kept file of the last exact sync when it can;
 * - "table": the kept files removed before every run, so each file is compared with the table itself;
 * - "unsorted": every file with its titles in reverse order (a title's lines stay together, in their
 *   order), so the database compares (a first build's kept file is then unsorted as well).
 * After every run that was not cancelled, the three mirrors hold the same rows and report the same counts;
 * the kept path must have been taken whenever it was valid.
 */

import { readFileSync } from "node:fs";
import { rm } from "node:fs/promises";
import path from "node:path";
import { gunzipSync } from "node:zlib";
import type { RowDataPacket } from "mysql2";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { datasets, type TableName } from "../../lib/catalog/datasets";
import { getPool } from "../../lib/db";
import { keptFolder } from "../../lib/etl/kept-file";
import { executeRun } from "../../lib/etl/pipeline";
import { createTestDatabase, type TestDatabase } from "../helpers/database";
import { folderSource, queueRun, runEngine, tableRows, tempDir, testSettings, tsv } from "../helpers/engine-run";
import { expectTableEqualsFile } from "../helpers/exactness";

const tables = ["title_basics", "title_akas", "title_ratings"] as const satisfies TableName[];
type Table = (typeof tables)[number];
type Snapshot = Record<Table, string[]>;
const paths = ["kept", "table", "unsorted"] as const;
type PathName = (typeof paths)[number];

/** A small seeded PRNG (mulberry32): the same seed, the same sequence. */
function prng(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const sampleLines = (table: Table) =>
  gunzipSync(readFileSync(path.resolve("data/sample", datasets[table].file)))
    .toString("utf8")
    .split("\n")
    .slice(1)
    .filter(Boolean);

const idOf = (line: string) => Number(line.slice(2, line.indexOf("\t")));
const tconst = (id: number) => `tt${String(id).padStart(7, "0")}`;

/** The next snapshot: about `share` of the lines deleted, changed and added, in IMDb's order. */
function mutate(snapshot: Snapshot, random: () => number, share: number): Snapshot {
  const next = {} as Snapshot;
  for (const table of tables) {
    const out: string[] = [];
    let maxId = 0;
    for (const line of snapshot[table]) {
      maxId = Math.max(maxId, idOf(line));
      const r = random();
      if (r < share) continue;
      if (r < 3 * share) {
        const fields = line.split("\t");
        if (table === "title_ratings") fields[2] = String(Number(fields[2]) + 1 + Math.floor(random() * 50));
        if (table === "title_akas") fields[2] = `${fields[2]} (${Math.floor(random() * 1000)})`;
        if (table === "title_basics") {
          fields[2] = `${fields[2]}!`;
          if (random() < 0.5) fields[8] = random() < 0.3 ? "\\N" : random() < 0.5 ? "Drama,Mystery" : "Noir";
        }
        out.push(fields.join("\t"));
        continue;
      }
      out.push(line);
      if (table === "title_akas" && random() < share) {
        const fields = line.split("\t");
        fields[1] = String(Number(fields[1]) + 500);
        out.push(fields.join("\t"));
      }
    }
    const added = Math.floor(snapshot[table].length * share);
    for (let i = 1; i <= added; i++) {
      const id = maxId + i;
      if (table === "title_ratings") out.push(`${tconst(id)}\t${(1 + (id % 90) / 10).toFixed(1)}\t${id % 977}`);
      if (table === "title_akas") out.push(`${tconst(id)}\t1\tNew ${id}\tXW\t\\N\t\\N\t\\N\t0`);
      if (table === "title_basics") out.push(`${tconst(id)}\tmovie\tNew ${id}\tNew ${id}\t0\t2026\t\\N\t90\tNew,Drama`);
    }
    next[table] = out;
  }
  return next;
}

/** What one run is given: the snapshot's lines, spoilt in a few ways the engine must take in its stride. */
function fileLines(table: Table, lines: string[], random: () => number, spoil: "rejects" | "repeats" | undefined) {
  if (!spoil) return lines;
  const out: string[] = [];
  for (const line of lines) {
    const r = random();
    const fields = line.split("\t");
    if (r < 0.01 && spoil === "rejects") {
      // A rejected line in place of a good one: the table keeps its row.
      if (table === "title_ratings") fields[1] = "x.y";
      if (table === "title_akas") fields[7] = "yes";
      if (table === "title_basics") fields[5] = "19x4";
      out.push(fields.join("\t"));
    } else if (r < 0.02) {
      // The key twice in a row: the later line wins.
      fields[fields.length - 1] = table === "title_ratings" ? "1" : fields[fields.length - 1] === "0" ? "1" : "0";
      out.push(fields.join("\t"), line);
    } else {
      out.push(line);
    }
  }
  return out;
}

/** Titles in reverse order, each title's lines kept together and in their order. */
function reversedTitles(lines: string[]): string[] {
  const groups: string[][] = [];
  for (const line of lines) {
    const last = groups.at(-1);
    if (last && idOf(last[0] as string) === idOf(line)) last.push(line);
    else groups.push([line]);
  }
  return groups.reverse().flat();
}

interface Mirror {
  name: PathName;
  db: TestDatabase;
  keptDir: string;
}

async function contents(url: string) {
  const out: Record<string, unknown[]> = {};
  for (const table of tables) out[table] = await tableRows(url, table);
  const [genres] = await getPool(url).query<RowDataPacket[]>(
    "SELECT tg.tid, g.genre_name FROM title_genres tg JOIN genres g USING (genre_id) ORDER BY tg.tid, g.genre_name",
  );
  const [counts] = await getPool(url).query<RowDataPacket[]>(
    "SELECT genre_name, title_count FROM genres ORDER BY genre_name",
  );
  out.title_genres = genres.map((r) => ({ ...r }));
  out.genres = counts.map((r) => ({ ...r }));
  return out;
}

const counted = ["read", "inserted", "updated", "unchanged", "deleted", "deletesWithheld", "rejected", "duplicates"];

describe.each([1, 2])("the kept-file, table and database paths agree (seed %i)", (seed) => {
  const mirrors: Mirror[] = [];
  let dir: string;

  beforeAll(async () => {
    dir = await tempDir(`paths-${seed}`);
    for (const name of paths) {
      mirrors.push({
        name,
        db: await createTestDatabase(`paths_${name}_${seed}`),
        keptDir: path.join(dir, `kept-${name}`),
      });
    }
  });
  afterAll(async () => {
    for (const m of mirrors) await m.db.drop();
  });

  /** Runs one step on every mirror; returns each mirror's per-table results (undefined when cancelled). */
  async function step(n: number, mode: "first-run" | "incremental", files: Record<Table, string[]>, cancel = false) {
    const results = new Map<PathName, Awaited<ReturnType<typeof runEngine>>>();
    for (const mirror of mirrors) {
      const lines = (table: Table) => (mirror.name === "unsorted" ? reversedTitles(files[table]) : files[table]);
      let source = "";
      for (const table of tables)
        source = await folderSource(dir, `${mirror.name}-${n}`, table, tsv(table, lines(table)));
      if (mirror.name === "table")
        await rm(keptFolder(mirror.keptDir, mirror.db.url), { recursive: true, force: true });
      const run = { mode, source, tables: [...tables], settings: { keptDir: mirror.keptDir } };
      if (cancel) {
        const runId = await queueRun(mirror.db.url, run);
        const stop = new AbortController();
        setTimeout(() => stop.abort(), 5 + n * 7);
        const summary = await executeRun(mirror.db.url, runId, { settings: testSettings(run), stop: stop.signal });
        expect(["cancelled", "succeeded"]).toContain(summary.status);
        continue;
      }
      const summary = await runEngine(mirror.db.url, run);
      expect(summary.status, `${mirror.name} step ${n}: ${summary.error}`).toBe("succeeded");
      results.set(mirror.name, summary);
    }
    return results;
  }

  it("after every run the mirrors are equal, and the kept file was used whenever it was valid", async () => {
    const random = prng(seed);
    let snapshot: Snapshot = {
      title_basics: sampleLines("title_basics"),
      title_akas: sampleLines("title_akas"),
      title_ratings: sampleLines("title_ratings"),
    };
    await step(0, "first-run", snapshot);
    /**
     * Whether a table's last run on the "kept" mirror left it equal to its file (so that its kept file is
     * valid); unknown after a cancelled run, which may have stopped before or after a table.
     */
    const exact = new Map<Table, boolean | undefined>(tables.map((t) => [t, true]));
    const plan = ["plain", "rejects", "plain", "repeats", "plain", "shrunk", "plain", "cancel", "plain"] as const;
    for (const [i, kind] of plan.entries()) {
      const n = i + 1;
      snapshot = mutate(snapshot, random, 0.03);
      const files = {} as Record<Table, string[]>;
      for (const table of tables) {
        const lines = fileLines(
          table,
          snapshot[table],
          random,
          kind === "rejects" || kind === "repeats" ? kind : undefined,
        );
        files[table] =
          kind === "shrunk" && table === "title_ratings" ? lines.slice(0, Math.floor(lines.length * 0.7)) : lines;
      }
      const results = await step(n, "incremental", files, kind === "cancel");
      if (kind === "cancel") {
        for (const table of tables) exact.set(table, undefined);
        continue;
      }
      const [kept, ...others] = paths.map((p) => results.get(p));
      for (const table of tables) {
        const of = (summary: typeof kept) => summary?.tables.find((t) => t.table === table);
        const keptTable = of(kept);
        const pick = (t: typeof keptTable) =>
          Object.fromEntries(counted.map((c) => [c, (t as Record<string, unknown>)?.[c]]));
        const valid = exact.get(table);
        // After a cancelled run the mirrors may start from different points (each stopped elsewhere): their
        // counts may differ then, their contents afterwards may not.
        if (valid !== undefined) {
          for (const other of others) expect(pick(of(other)), `step ${n} ${table} counts`).toEqual(pick(keptTable));
        }
        const usedKept = keptTable?.message?.startsWith("Diffed against the kept file") ?? false;

        if (valid !== undefined)
          expect(usedKept, `step ${n} ${table}: kept file used (${keptTable?.message})`).toBe(valid);
        expect(of(results.get("table"))?.message ?? "").not.toMatch(/kept file/);
        const isExact = keptTable?.rejected === 0 && keptTable?.deletesWithheld === 0;
        exact.set(table, isExact);
        if (isExact && kept) await expectTableEqualsFile(mirrors[0]?.db.url as string, table, tsv(table, files[table]));
      }
      const [first, ...rest] = await Promise.all(mirrors.map((m) => contents(m.db.url)));
      for (const other of rest) expect(other, `step ${n}: mirror contents`).toEqual(first);
    }
  });
});
