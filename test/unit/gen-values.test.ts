import { describe, expect, it } from "vitest";
import { datasets, tableNames } from "../../lib/catalog/datasets";
import { lineChecker, noKey } from "../../lib/etl/tsv";
import { GroupSizer, tableLines } from "../../scripts/bench/generate";
import { formatKey } from "../../scripts/bench/keys";
import { Rng } from "../../scripts/bench/prng";
import * as v from "../../scripts/bench/values";
import { createWorld } from "../../scripts/bench/world";

const world = createWorld(0.0005, 42);

const cache = new Map<string, string[]>();
function allLines(table: (typeof tableNames)[number]): string[] {
  let lines = cache.get(table);
  if (!lines) {
    lines = [...tableLines(table, world)].flat();
    cache.set(table, lines);
  }
  return lines;
}

describe("the seeded generator", () => {
  it("repeats the same sequence for the same seed and differs for another", () => {
    const a = new Rng(5);
    const b = new Rng(5);
    const c = new Rng(6);
    const seq = (r: Rng) => Array.from({ length: 5 }, () => r.next());
    expect(seq(a)).toEqual(seq(b));
    expect(seq(new Rng(5))).not.toEqual(seq(c));
  });

  it("writes the same files for the same world", () => {
    expect(allLines("title_basics")).toEqual([...tableLines("title_basics", createWorld(0.0005, 42))].flat());
  });
});

describe("generated values", () => {
  it.each(tableNames)("%s: every line passes the engine's own field checks", (table) => {
    const check = lineChecker(datasets[table]);
    for (const line of allLines(table)) {
      const buf = Buffer.from(line);
      const reason = check(buf, 0, buf.length, false, noKey());
      if (reason !== undefined) throw new Error(`${line}: ${reason}`);
    }
  });

  it.each(tableNames)("%s: keys are in numeric order with ordering 1..n per title", (table) => {
    const ordered = table === "title_akas" || table === "title_principals";
    let lastId = -1;
    let lastOrdering = 0;
    const problems: string[] = [];
    for (const line of allLines(table)) {
      const [key = "", second = ""] = line.split("\t");
      const id = Number(key.slice(2));
      const ordering = ordered ? Number(second) : 0;
      const expected = ordered ? (id === lastId ? lastOrdering + 1 : 1) : 0;
      if (id < lastId || (!ordered && id === lastId) || ordering !== expected) problems.push(line);
      lastId = id;
      lastOrdering = ordering;
    }
    expect(problems).toEqual([]);
  });

  it("has the shapes of the real files", () => {
    const basics = allLines("title_basics").join("\n");
    expect(basics).toContain("\\N");
    expect(basics).toMatch(/\ttt10000000\t|^tt10000000\t|\ntt10000000\t/);
    expect(basics).toMatch(/\ttvEpisode\t/);
    const genres = new Set(allLines("title_basics").flatMap((l) => (l.split("\t")[8] ?? "").split(",")));
    genres.delete("\\N");
    expect([...genres].every((g) => (v.genreNames as readonly string[]).includes(g))).toBe(true);
    expect(genres.size).toBe(28);
    expect(allLines("title_ratings").every((l) => /^tt\d{7,8}\t\d{1,2}\.\d\t\d+$/.test(l))).toBe(true);
    expect(allLines("title_principals").join("\n")).toMatch(/\t\["[^"]+"(,"[^"]+")*\]$/m);
  });

  it("sizes the files after the real row counts", () => {
    expect(allLines("title_basics")).toHaveLength(world.titles.count);
    expect(allLines("title_akas").length).toBeCloseTo(world.akasRows, -2);
    expect(allLines("title_principals").length).toBeCloseTo(world.principalsRows, -2);
    expect(allLines("title_ratings").length / world.titles.count).toBeCloseTo(1.6 / 12.3, 1);
  });

  it("include 4-byte UTF-8 and backslashes now and then", () => {
    const rng = new Rng(9);
    const titles = Array.from({ length: 20_000 }, () => v.title(rng)).join("\n");
    expect(titles).toMatch(/[\u{10000}-\u{10FFFF}]/u);
    expect(titles).toContain("\\");
  });

  it("spreads a total over groups exactly when the last group takes the rest", () => {
    const rng = new Rng(3);
    const sizer = new GroupSizer(10_000, 2_000, 1, 60);
    let total = 0;
    for (let i = 0; i < 2_000; i++) total += sizer.next(rng);
    expect(Math.abs(total - 10_000)).toBeLessThan(60);
  });
});

describe("heavy tails (scripts/bench/tails.ts)", () => {
  /** How often each value of field `field` occurs in `table`, most frequent first. */
  function ranked(table: (typeof tableNames)[number], field: number): [string, number][] {
    const counts = new Map<string, number>();
    for (const line of allLines(table)) {
      const value = line.split("\t")[field] ?? "";
      counts.set(value, (counts.get(value) ?? 0) + 1);
    }
    return [...counts.entries()].sort((a, b) => b[1] - a[1]);
  }

  it("credits the busiest person about as the law says, far above everyone drawn uniformly", () => {
    const [first, second] = ranked("title_principals", 2);
    const expected = world.busyPeople.expected[0] ?? 0;
    expect(first?.[0]).toBe(formatKey("nm", world.names.id(world.busyPeople.indices[0] ?? -1)));
    expect(first?.[1]).toBeGreaterThan(expected * 0.7);
    expect(first?.[1]).toBeLessThan(expected * 1.3);
    expect(second?.[1]).toBeLessThan(first?.[1] ?? 0);
    // A uniform draw gives each person about principals / people credits: the tail is tens of times that.
    expect(expected).toBeGreaterThan((20 * world.principalsRows) / world.names.count);
  });

  it("gives the longest series its episodes, the tvSeries type, the most votes and a long crew", () => {
    const [first] = ranked("title_episode", 1);
    const series = formatKey("tt", world.titles.id(world.longSeries.indices[0] ?? -1));
    expect(first?.[0]).toBe(series);
    expect(first?.[1]).toBeGreaterThan((world.longSeries.expected[0] ?? 0) * 0.6);
    expect(
      allLines("title_basics")
        .find((l) => l.startsWith(`${series}\t`))
        ?.split("\t")[1],
    ).toBe("tvSeries");
    const mostVoted = [...allLines("title_ratings")].sort(
      (a, b) => Number(b.split("\t")[2]) - Number(a.split("\t")[2]),
    )[0];
    expect(world.longSeries.indices.map((i) => formatKey("tt", world.titles.id(i)))).toContain(
      mostVoted?.split("\t")[0],
    );
    const crew = allLines("title_crew").find((l) => l.startsWith(`${series}\t`)) ?? "";
    const names = crew.split("\t").slice(1).join(",").split(",").length;
    expect(names).toBeGreaterThanOrEqual(Math.round((world.longSeries.expected[0] ?? 0) * (3 / 8)) - 1);
  });

  it("puts no series among the episodes and no key twice in a tail", () => {
    expect(world.longSeries.indices.some((i) => world.isEpisode(i))).toBe(false);
    expect(new Set(world.longSeries.indices).size).toBe(world.longSeries.indices.length);
    expect(new Set(world.busyPeople.indices).size).toBe(world.busyPeople.indices.length);
  });
});
