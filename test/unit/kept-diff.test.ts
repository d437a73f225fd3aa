/**
 * The kept-file diff (diffWithKeptFile) against the plain merge it shortcuts: the new file scanned line by line
 * and merged with the kept file's rows as a table would hold them (a repeated key keeps its last line). Random
 * files with changed, inserted, deleted, repeated and rejected lines, lines without a key, CRLF endings and
 * groups across read-chunk boundaries must give the same changes and the same counts.
 */
import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { gzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { datasets, expectedHeader, type TableName } from "../../lib/catalog/datasets";
import { fileFingerprint } from "../../lib/etl/fingerprint";
import { lineHasher } from "../../lib/etl/hash";
import { diffWithKeptFile } from "../../lib/etl/kept-diff";
import { KeptFileUnusable } from "../../lib/etl/kept-file";
import { KeyMerge, type MergeOutput } from "../../lib/etl/merge";
import { scanFile } from "../../lib/etl/scan";
import { diffChunks, openBytes } from "../../lib/etl/source";
import { lineKeyReader, noKey } from "../../lib/etl/tsv";
import { emptyCounters } from "../../lib/run-record/counters";
import { tableCursor } from "../helpers/key-cursor";

/** A small deterministic random generator (mulberry32), so a failing seed can be replayed. */
function random(seed: number) {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const tt = (id: number) => `tt${String(id).padStart(7, "0")}`;

/** A line of the table with random values; orderings only for principals. */
function line(table: TableName, id: number, ordering: number, rnd: () => number): string {
  if (table === "title_ratings")
    return `${tt(id)}\t${(1 + Math.floor(rnd() * 90) / 10).toFixed(1)}\t${Math.floor(rnd() * 9999)}`;
  const job = rnd() < 0.5 ? "\\N" : `job ${Math.floor(rnd() * 50)} ${"x".repeat(Math.floor(rnd() * 40))}`;
  return `${tt(id)}\t${ordering}\tnm${String(Math.floor(rnd() * 9e6)).padStart(7, "0")}\tactor\t${job}\t\\N`;
}

interface Snapshot {
  kept: string[];
  next: string[];
}

/**
 * A kept file (sorted by id; with `repeats`, a few keys twice) and a next file made from it with every kind of
 * change.
 */
function snapshots(table: TableName, seed: number, ids: number, repeats: boolean): Snapshot {
  const rnd = random(seed);
  const perId = table === "title_ratings" ? () => 1 : () => 1 + Math.floor(rnd() * 12);
  const kept: string[] = [];
  const next: string[] = [];
  const eol = () => (rnd() < 0.01 ? "\r" : "");
  for (let id = 1; id <= ids; id++) {
    const present = rnd() < 0.9;
    const keptLines: string[] = [];
    if (present) {
      const count = perId();
      const orderings = Array.from({ length: count }, (_, i) => i + 1);
      if (rnd() < 0.3) orderings.reverse();
      for (const ordering of orderings) keptLines.push(line(table, id, ordering, rnd));
      if (repeats && rnd() < 0.02) keptLines.push(line(table, id, orderings[0] ?? 1, rnd)); // a repeated key
    }
    kept.push(...keptLines);
    const fate = rnd();
    if (fate < 0.9) next.push(...keptLines.map((l) => l + eol()));
    else if (fate < 0.93)
      continue; // the id deleted
    else if (fate < 0.96) {
      // one line changed, one added, or one dropped
      const changed = keptLines.map((l) => l);
      const at = Math.floor(rnd() * Math.max(1, changed.length));
      if (changed.length > 0 && rnd() < 0.5) changed[at] = line(table, id, table === "title_ratings" ? 0 : at + 1, rnd);
      else if (changed.length > 1 && rnd() < 0.5) changed.splice(at, 1);
      else changed.push(line(table, id, 20 + Math.floor(rnd() * 5), rnd));
      next.push(...changed);
    } else if (fate < 0.98) {
      next.push(...keptLines, `${tt(id)}\tbroken line`); // a rejected line with a key
    } else if (fate < 0.99) {
      next.push("no key at all", ...keptLines); // a line without a key
    } else {
      next.push(...keptLines, ...keptLines.slice(0, 1)); // a repeated key in the new file
    }
    if (!present && rnd() < 0.05) next.push(line(table, id, 1, rnd)); // an inserted id
  }
  return { kept, next };
}

/** The rows a table holds after an exact sync of the kept file: the last line of each key, in key order. */
async function tableRows(table: TableName, kept: string[]) {
  const hash = await lineHasher();
  const readKey = lineKeyReader(datasets[table]);
  const rows = new Map<number, [number, number, bigint]>();
  for (const text of kept) {
    const buf = Buffer.from(text);
    const key = noKey();
    if (!readKey(buf, 0, buf.length, key)) throw new Error(`no key: ${text}`);
    rows.set(key.mergeKey, [key.id, key.ordering, hash(buf)]);
  }
  return [...rows.entries()].sort((a, b) => a[0] - b[0]).map(([, row]) => row);
}

function recorder() {
  const events: string[] = [];
  let unchanged = 0;
  const out: MergeOutput = {
    insert: (r) => events.push(`insert ${r.id}/${r.ordering}/${r.hash}`),
    update: (r) => events.push(`update ${r.id}/${r.ordering}/${r.hash}`),
    unchanged: (rows = 1) => {
      unchanged += rows;
    },
    delete: (id, ordering) => events.push(`delete ${id}/${ordering}`),
    between: () => undefined,
  };
  return { out, events, unchanged: () => unchanged };
}

const counted = ["read", "rejected", "duplicates"] as const;
const unsorted = (row: { lineNumber: number }) => new Error(`unsorted at line ${row.lineNumber}`);

/** Writes the two files (gzipped or not) and returns what both paths read. */
async function files(table: TableName, { kept, next }: Snapshot, gzipped: boolean, inKeyOrder = false) {
  const spec = datasets[table];
  const dir = await mkdtemp(path.join(tmpdir(), "kept-diff-"));
  const text = (lines: string[]) => Buffer.from(`${expectedHeader(spec)}\n${lines.join("\n")}\n`);
  const write = async (name: string, lines: string[]) => {
    const file = path.join(dir, gzipped ? `${name}.gz` : name);
    await writeFile(file, gzipped ? gzipSync(text(lines)) : text(lines));
    return file;
  };
  const [keptPath, nextPath] = [await write("kept.tsv", kept), await write("next.tsv", next)];
  return {
    spec,
    kept: { path: keptPath, gzipped, inKeyOrder, fingerprint: (await fileFingerprint(keptPath)) as string },
    next: { path: nextPath, gzipped },
    hash: await lineHasher(),
    signal: new AbortController().signal,
  };
}

type Files = Awaited<ReturnType<typeof files>>;

/** The reference: the new file scanned whole and merged with the rows the table holds. */
async function plainMerge(f: Files, keptLines: string[]) {
  const result = recorder();
  const counters = emptyCounters();
  const rejects: number[] = [];
  const cursor = tableCursor(await tableRows(f.spec.table, keptLines));
  const merge = new KeyMerge(cursor, result.out, counters, unsorted);
  await merge.start();
  const onRows = (rows: Parameters<typeof merge.add>[0]) => merge.add(rows);
  const onReject = (r: { lineNumber: number }) => rejects.push(r.lineNumber);
  await scanFile(openBytes(f.next), f.spec, f.hash, counters, { onRows, onReject }, f.signal);
  await merge.finish();
  return { ...result, counters, rejects, tableRows: cursor.seen };
}

async function keptDiff(f: Files, kept = f.kept) {
  const result = recorder();
  const counters = emptyCounters();
  const rejects: number[] = [];
  const job = { ...f, file: f.next, counters, onReject: (r: { lineNumber: number }) => rejects.push(r.lineNumber) };
  const tableRows = await diffWithKeptFile(job, kept, result.out, unsorted);
  return { ...result, counters, rejects, tableRows };
}

describe("diffWithKeptFile", () => {
  const cases = [1, 2, 3].flatMap((seed) => [
    { seed, inKeyOrder: false },
    { seed, inKeyOrder: true },
  ]);
  for (const table of ["title_principals", "title_ratings"] as const) {
    for (const { seed, inKeyOrder } of cases) {
      const kind = inKeyOrder ? "in key order (same ids skipped in blocks)" : "with repeated keys";
      it(`${table}, seed ${seed}, a kept file ${kind}: the same changes and counts as the plain merge`, async () => {
        // About 100 kB per unit: files of over two read chunks, so that ids straddle the chunk boundaries.
        const units = Math.ceil((2.5 * Math.max(diffChunks.read, diffChunks.inflate)) / 100_000);
        const snapshot = snapshots(table, seed, units * (table === "title_ratings" ? 6000 : 1500), !inKeyOrder);
        const f = await files(table, snapshot, seed !== 2, inKeyOrder);
        const [plain, diffed] = [await plainMerge(f, snapshot.kept), await keptDiff(f)];
        expect(diffed.events.sort()).toEqual(plain.events.sort());
        expect(diffed.unchanged()).toBe(plain.unchanged());
        for (const c of counted) expect(diffed.counters[c], c).toBe(plain.counters[c]);
        expect(diffed.rejects).toEqual(plain.rejects);
        expect(diffed.tableRows).toBe(plain.tableRows);
        expect(plain.events.length).toBeGreaterThan(50);
        expect(plain.unchanged()).toBeGreaterThan(1000);
        expect(plain.counters.duplicates).toBeGreaterThan(0);
        expect(plain.counters.rejected).toBeGreaterThan(0);
      });
    }
  }

  it("refuses a kept file that is not the fingerprinted one, or not sorted", async () => {
    const snapshot = snapshots("title_ratings", 4, 500, true);
    const f = await files("title_ratings", snapshot, false);
    const otherBytes = { ...f.kept, fingerprint: `${f.kept.fingerprint.split(":")[0]}:0000000000000000` };
    await expect(keptDiff(f, otherBytes)).rejects.toThrow(/not those of the table's last exact sync/);
    const reversed = await files("title_ratings", { ...snapshot, kept: [...snapshot.kept].reverse() }, false);
    await expect(keptDiff(reversed)).rejects.toThrow(KeptFileUnusable);
  });

  it("stops at the first line of a new file out of key order, as the plain merge does", async () => {
    const snapshot = snapshots("title_ratings", 5, 200, false);
    const next = [...snapshot.next.slice(100), ...snapshot.next.slice(0, 100)];
    for (const inKeyOrder of [false, true]) {
      const f = await files("title_ratings", { ...snapshot, next }, true, inKeyOrder);
      const plain = await plainMerge(f, snapshot.kept).catch((e: Error) => e.message);
      expect(plain).toMatch(/^unsorted at line \d+$/);
      await expect(keptDiff(f)).rejects.toThrow(plain as string);
    }
  });
});
