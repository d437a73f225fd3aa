import { describe, expect, it } from "vitest";
import { datasets, type TableName, tableNames } from "../../lib/catalog/datasets";
import { lineChecker, noKey } from "../../lib/etl/tsv";
import { tableLines } from "../../scripts/bench/generate";
import { dayProfile, TableMutator } from "../../scripts/bench/mutate";
import { Rng } from "../../scripts/bench/prng";
import { createWorld } from "../../scripts/bench/world";

const world = createWorld(0.0005, 11);
const share = 0.05;

function keyOf(table: TableName, line: string): string {
  const [key = "", ordering = ""] = line.split("\t");
  return table === "title_akas" || table === "title_principals" ? `${key}/${ordering}` : key;
}

function mutate(table: TableName) {
  const before = [...tableLines(table, world)].flat();
  const mutator = new TableMutator(table, world, share, new Rng(1, 2));
  const after: string[] = [];
  for (const line of before) mutator.push(line, after);
  mutator.finish(after);
  return { before, after, counts: mutator.counts };
}

function sortKey(table: TableName, line: string): number {
  const [key = "", ordering = "0"] = line.split("\t");
  const id = Number(key.slice(2));
  return table === "title_akas" || table === "title_principals" ? id * 65536 + Number(ordering) : id;
}

describe("the mutator", () => {
  it.each(tableNames)("%s: counts exactly what changed between the two files", (table) => {
    const { before, after, counts } = mutate(table);
    const old = new Map(before.map((l) => [keyOf(table, l), l]));
    const now = new Map(after.map((l) => [keyOf(table, l), l]));
    expect(now.size).toBe(after.length);
    const inserted = [...now.keys()].filter((k) => !old.has(k)).length;
    const deleted = [...old.keys()].filter((k) => !now.has(k)).length;
    const common = [...now.keys()].filter((k) => old.has(k));
    const updated = common.filter((k) => old.get(k) !== now.get(k)).length;
    expect(counts).toEqual({
      rows: after.length,
      inserted,
      updated,
      deleted,
      unchanged: common.length - updated,
    });
  });

  it.each(tableNames)("%s: keeps numeric key order and writes only valid lines", (table) => {
    const { after } = mutate(table);
    const keys = after.map((l) => sortKey(table, l));
    expect(keys.every((k, i) => i === 0 || k > (keys[i - 1] ?? 0))).toBe(true);
    const check = lineChecker(datasets[table]);
    const bad = after.filter((l) => check(Buffer.from(l), 0, Buffer.byteLength(l), false, noKey()) !== undefined);
    expect(bad).toEqual([]);
  });

  it("changes about `share` of the rows: half updates, a quarter each inserts and deletes", () => {
    const { before, counts } = mutate("title_principals");
    const changed = counts.inserted + counts.updated + counts.deleted;
    expect(changed / before.length).toBeGreaterThan(share * 0.8);
    expect(changed / before.length).toBeLessThan(share * 1.2);
    expect(counts.updated / changed).toBeCloseTo(0.5, 1);
    expect(counts.deleted / changed).toBeCloseTo(0.25, 1);
    expect(counts.inserted / changed).toBeCloseTo(0.25, 1);
  });

  it("adds brand-new keys past the largest one", () => {
    const { before, after } = mutate("title_basics");
    const max = Math.max(...before.map((l) => sortKey("title_basics", l)));
    expect(after.filter((l) => sortKey("title_basics", l) > max).length).toBeGreaterThan(0);
  });
});

describe("the day profile (an estimate of one day at IMDb)", () => {
  const dayWorld = createWorld(0.002, 5);
  function day(table: TableName) {
    const before = [...tableLines(table, dayWorld)].flat();
    const mutator = new TableMutator(table, dayWorld, dayProfile[table], new Rng(3, 4));
    const after: string[] = [];
    for (const line of before) mutator.push(line, after);
    mutator.finish(after);
    return { before, after, counts: mutator.counts };
  }

  it("gives about 35 % of the ratings more votes, about 3 % a new average, and about 0.2 % new rows", () => {
    const { before, after, counts } = day("title_ratings");
    const old = new Map(before.map((l) => [l.split("\t")[0], l.split("\t")]));
    let newAverage = 0;
    for (const line of after) {
      const [key = "", average, votes] = line.split("\t");
      const previous = old.get(key);
      if (!previous || previous.join("\t") === line) continue;
      expect(Number(votes)).toBeGreaterThan(Number(previous[2]));
      if (average !== previous[1]) {
        newAverage++;
        expect(Math.abs(Number(average) - Number(previous[1]))).toBeCloseTo(0.1, 5);
      }
    }
    expect(counts.updated / before.length).toBeGreaterThan(0.33);
    expect(counts.updated / before.length).toBeLessThan(0.37);
    expect(newAverage / before.length).toBeGreaterThan(0.02);
    expect(newAverage / before.length).toBeLessThan(0.04);
    expect(counts.inserted / before.length).toBeGreaterThan(0.001);
    expect(counts.inserted / before.length).toBeLessThan(0.003);
  });

  it.each(tableNames.filter((t) => t !== "title_ratings"))(
    "%s: changes or adds about 0.2–0.4 % of the rows (the profile's rates), removes about 0.01 %",
    (table) => {
      const { before, counts } = day(table);
      const rates = dayProfile[table];
      const changed = (counts.updated + counts.inserted) / before.length;
      const want = rates.update + rates.gapInsert + rates.tailInsert;
      expect(want).toBeGreaterThanOrEqual(0.002);
      expect(want).toBeLessThanOrEqual(0.004);
      expect(changed).toBeGreaterThan(want * 0.6);
      expect(changed).toBeLessThan(want * 1.4);
      expect(counts.deleted / before.length).toBeLessThan(0.0005);
    },
  );
});
