/**
 * Writes the seven IMDb files of a synthetic world as .tsv.gz, in the files' numeric key order, plus a
 * manifest.json with the world's parameters and the line count of every file. Rows are produced in
 * batches straight into gzip: memory stays flat however large the scale.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { datasets, expectedHeader, type TableName, tableNames } from "../../lib/catalog/datasets";
import { formatKey } from "./keys";
import { linesPerBatch, writeGzLines } from "./lines";
import { longSeriesCrew, models, valueFields } from "./models";
import { Rng } from "./prng";
import * as v from "./values";
import { createWorld, popularSeries, type World } from "./world";

/** 2: heavy tails (tails.ts): people with thousands of credits, series with thousands of episodes. */
export const generatorVersion = 2;

export interface Manifest {
  generatorVersion: number;
  scale: number;
  seed: number;
  /** How many mutations separate these files from the generated ones. */
  generation: number;
  rows: Record<TableName, number>;
}

/** Spreads `total` lines over `groups` titles: a geometric count per title whose mean follows what is left. */
export class GroupSizer {
  private left: number;
  private groupsLeft: number;

  constructor(
    total: number,
    groups: number,
    private readonly min: number,
    private readonly cap: number,
  ) {
    this.left = total;
    this.groupsLeft = groups;
  }

  /** The next group's size; `size` forces it (a long series' full cast), still counted against the total. */
  next(rng: Rng, size?: number): number {
    const groupsLeft = this.groupsLeft--;
    if (size !== undefined) {
      const n = Math.min(size, this.left);
      this.left -= n;
      return n;
    }
    if (groupsLeft <= 1) return Math.min(this.left, this.cap);
    const n = Math.min(this.cap, this.left, rng.geometric(this.left / groupsLeft, this.min));
    this.left -= n;
    return n;
  }
}

/** The most principals one title has (IMDb's file lists tens per title, not hundreds). */
const principalsCap = 60;

/**
 * Votes of the most popular long series: 0.5–2.5 M divided by the rank, above the 163 k an ordinary title gets at
 * most (values.votes), so the most voted titles are also the ones with the most credits, as the bench's title page
 * wants.
 */
function popularVotes(rng: Rng, rank: number): number {
  return Math.round((500_000 + rng.int(2_000_000)) / rank);
}

function titleBasics(rng: Rng, world: World, i: number): string {
  const model = models.title_basics;
  const f = (index: number) => (model.fields[index] as (r: Rng, w: World) => string)(rng, world);
  const type = world.isEpisode(i) ? "tvEpisode" : world.longSeries.rank(i) !== undefined ? "tvSeries" : f(1);
  const primary = v.title(rng);
  const original = rng.unit() < 0.9 ? primary : v.title(rng);
  return [type, primary, original, f(4), f(5), f(6), f(7), f(8)].join("\t");
}

/** The data lines of one table (no header), in batches. */
export function* tableLines(table: TableName, world: World): Generator<string[]> {
  const rng = new Rng(world.seed, tableNames.indexOf(table) + 1);
  const model = models[table];
  const space = model.prefix === "nm" ? world.names : world.titles;
  const sizer =
    table === "title_akas"
      ? new GroupSizer(world.akasRows, space.count, 0, 250)
      : table === "title_principals"
        ? new GroupSizer(world.principalsRows, space.count, 1, principalsCap)
        : undefined;
  let batch: string[] = [];
  for (let i = 0; i < space.count; i++) {
    if (table === "title_episode" && !world.isEpisode(i)) continue;
    if (table === "title_ratings" && !world.isRated(i)) continue;
    const key = formatKey(model.prefix, space.id(i));
    const seriesRank = model.prefix === "tt" ? world.longSeries.rank(i) : undefined;
    if (sizer) {
      // A long series has the largest cast the file allows.
      const n = sizer.next(rng, table === "title_principals" && seriesRank !== undefined ? principalsCap : undefined);
      for (let ordering = 1; ordering <= n; ordering++) {
        batch.push(`${key}\t${ordering}\t${valueFields(model, rng, world)}`);
      }
    } else if (table === "title_basics") {
      batch.push(`${key}\t${titleBasics(rng, world, i)}`);
    } else if (table === "title_crew" && seriesRank !== undefined) {
      batch.push(`${key}\t${longSeriesCrew(rng, world, world.longSeries.expected[seriesRank - 1] ?? 0)}`);
    } else if (table === "title_ratings" && seriesRank !== undefined && seriesRank <= popularSeries) {
      batch.push(`${key}\t${v.rating(rng)}\t${popularVotes(rng, seriesRank)}`);
    } else {
      batch.push(`${key}\t${valueFields(model, rng, world)}`);
    }
    if (batch.length >= linesPerBatch) {
      yield batch;
      batch = [];
    }
  }
  yield batch;
}

/** Counts lines as they pass, so the manifest can say how many each file has. */
function* counted(batches: Iterable<string[]>, counter: { lines: number }): Generator<string[]> {
  for (const batch of batches) {
    counter.lines += batch.length;
    yield batch;
  }
}

export interface GenerateOptions {
  scale: number;
  out: string;
  seed?: number;
  /** Called after each file with its line count (for progress output). */
  onFile?: (table: TableName, rows: number, seconds: number) => void;
}

/** Generates the seven files into `out` and returns their manifest (also written as manifest.json). */
export async function generateDataset(options: GenerateOptions): Promise<Manifest> {
  const seed = options.seed ?? 1;
  const world = createWorld(options.scale, seed);
  mkdirSync(options.out, { recursive: true });
  const rows = {} as Record<TableName, number>;
  for (const table of tableNames) {
    const started = performance.now();
    const counter = { lines: 0 };
    const spec = datasets[table];
    const lines = counted(tableLines(table, world), counter);
    await writeGzLines(path.join(options.out, spec.file), withHeader(expectedHeader(spec), lines));
    rows[table] = counter.lines;
    options.onFile?.(table, counter.lines, (performance.now() - started) / 1000);
  }
  const manifest: Manifest = { generatorVersion, scale: options.scale, seed, generation: 0, rows };
  writeFileSync(path.join(options.out, "manifest.json"), `${JSON.stringify(manifest, null, 2)}\n`);
  return manifest;
}

function* withHeader(header: string, batches: Iterable<string[]>): Generator<string[]> {
  yield [header];
  yield* batches;
}
