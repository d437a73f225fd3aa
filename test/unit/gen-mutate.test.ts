import { describe, expect, it } from "vitest";
import { datasets, type TableName, tableNames } from "../../lib/catalog/datasets";
import { lineChecker, noKey } from "../../lib/etl/tsv";
import { tableLines } from "../../scripts/bench/generate";
import { TableMutator } from "../../scripts/bench/mutate";
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
