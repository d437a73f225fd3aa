/**
 * The next day's snapshot of a generated folder, by a change profile:
 * - `uniform` (the default): about `share` of each file's rows change, half of them updated (one field
 *   regenerated, so the line and its XXH64 change), a quarter deleted and a quarter inserted (new keys in the gaps
 *   between existing ones, new orderings after a title's last one, and brand-new titles/people past the largest key);
 * - `day`: an estimate of one day at IMDb (dayProfile below: no measured day-to-day diffs are published), most of
 *   it new vote counts in title.ratings.
 * The output keeps the numeric key order, and expected.json says exactly how many rows of each kind every table
 * must see.
 */
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { datasets, type TableName, tableNames } from "../../lib/catalog/datasets";
import type { Manifest } from "./generate";
import { formatKey } from "./keys";
import { readLineBatches, writeGzLines } from "./lines";
import { type FieldGenerator, firstValueField, models, type TableModel, valueFields } from "./models";
import { Rng } from "./prng";
import { createWorld, type World } from "./world";

export interface TableChanges {
  rows: number;
  inserted: number;
  updated: number;
  deleted: number;
  unchanged: number;
}

export type Expected = Record<TableName, TableChanges>;

/**
 * What share of a table's rows one snapshot changes, per kind: updated, deleted, inserted in the gaps between
 * existing keys (a row after an unchanged one), inserted past the largest key (new titles and people).
 */
export interface TableRates {
  update: number;
  delete: number;
  gapInsert: number;
  tailInsert: number;
  /**
   * title_ratings only: an update is a new vote count (a few votes more), and this share of the updates gets a new
   * average rating too. Unset: an update regenerates one value field at random.
   */
  newAverage?: number;
}

export type ChangeProfile = Record<TableName, TableRates>;
export const profileNames = ["uniform", "day"] as const;
export type ProfileName = (typeof profileNames)[number];

/** `share` of every table's rows: half updates, a quarter deletes, a quarter inserts (a fifth of them at the end). */
export function uniformRates(share: number): TableRates {
  return { update: share * 0.5, delete: share * 0.25, gapInsert: share * 0.2, tailInsert: share * 0.05 };
}

/**
 * One day at IMDb, an ESTIMATE (nobody has published measured day-to-day diffs of the datasets): title.ratings is
 * rewritten daily and most of a day's change is new vote counts there (about 35 % of the rows; ratings of new titles
 * settle over about 90 days), of which about 3 % of the rows get a new average, plus about 0.2 % new rows; titles
 * about 0.3 % updated, 0.1 % new and 0.01 % removed; akas, principals, crew, names and episodes about 0.2–0.3 %
 * changed or new; removals rare. New rows are mostly past the largest key (new titles and people).
 */
export const dayProfile: ChangeProfile = {
  title_ratings: { update: 0.35, newAverage: 0.03 / 0.35, delete: 0.00005, gapInsert: 0.0005, tailInsert: 0.0015 },
  title_basics: { update: 0.003, delete: 0.0001, gapInsert: 0.0002, tailInsert: 0.0008 },
  title_akas: { update: 0.0012, delete: 0.0001, gapInsert: 0.0006, tailInsert: 0.0006 },
  title_principals: { update: 0.0012, delete: 0.0001, gapInsert: 0.0006, tailInsert: 0.0006 },
  title_crew: { update: 0.0015, delete: 0.0001, gapInsert: 0.0002, tailInsert: 0.0008 },
  title_episode: { update: 0.001, delete: 0.0001, gapInsert: 0.0002, tailInsert: 0.0012 },
  name_basics: { update: 0.0015, delete: 0.00005, gapInsert: 0.0003, tailInsert: 0.0007 },
};

/** A day's new vote count: a few more votes (up to 2 % more, at least one). */
export function moreVotes(votes: number, rng: Rng): number {
  return votes + Math.max(1, Math.floor(votes * 0.02 * rng.unit()));
}

/** A new average: one tenth up or down, within 1.0–10.0. */
export function nudgedAverage(average: string, rng: Rng): string {
  const tenths = Math.round(Number(average) * 10);
  const up = tenths <= 10 ? true : tenths >= 100 ? false : rng.chance(0.5);
  const next = tenths + (up ? 1 : -1);
  return `${Math.floor(next / 10)}.${next % 10}`;
}

interface Key {
  id: number;
  ordering: number;
}

/** Mutates one file line by line; push() every data line in order, then finish(). */
export class TableMutator {
  readonly counts: TableChanges = { rows: 0, inserted: 0, updated: 0, deleted: 0, unchanged: 0 };
  private readonly model: TableModel;
  private readonly rates: TableRates;
  private pending: { line: string; key: Key } | undefined;
  private pendingInserts = 0;
  private maxId = 0;
  private seen = 0;

  /** `change`: the table's rates, or a share changed uniformly (uniformRates). */
  constructor(
    table: TableName,
    private readonly world: World,
    change: number | TableRates,
    private readonly rng: Rng,
  ) {
    this.model = models[table];
    this.rates = typeof change === "number" ? uniformRates(change) : change;
  }

  push(line: string, out: string[]): void {
    const key = this.keyOf(line);
    if (this.pending) this.apply(this.pending.line, this.pending.key, key, out);
    this.pending = { line, key };
  }

  finish(out: string[]): void {
    if (this.pending) this.apply(this.pending.line, this.pending.key, undefined, out);
    this.pending = undefined;
    let tail = Math.round(this.seen * this.rates.tailInsert);
    let id = this.maxId;
    while (tail > 0) {
      id += this.rng.range(1, 3);
      const rows = this.model.ordered ? Math.min(tail, this.rng.range(1, 3)) : 1;
      for (let ordering = 1; ordering <= rows; ordering++) out.push(this.newRow(id, ordering));
      this.counts.inserted += rows;
      tail -= rows;
    }
    this.counts.rows = this.counts.unchanged + this.counts.updated + this.counts.inserted;
  }

  /** Decides the fate of one source line, then places any inserts due before the next source key. */
  private apply(line: string, key: Key, next: Key | undefined, out: string[]): void {
    this.seen++;
    this.maxId = Math.max(this.maxId, key.id);
    const { update, delete: remove, gapInsert } = this.rates;
    const u = this.rng.unit();
    if (u < update) {
      out.push(this.updated(line));
      this.counts.updated++;
    } else if (u < update + remove) {
      this.counts.deleted++;
    } else {
      out.push(line);
      this.counts.unchanged++;
      if (u < update + remove + gapInsert) this.pendingInserts++;
    }
    if (this.pendingInserts > 0) this.insertAfter(key, next, out);
  }

  private insertAfter(key: Key, next: Key | undefined, out: string[]): void {
    const free = next ? next.id - key.id - 1 : Number.POSITIVE_INFINITY;
    if (!this.model.ordered) {
      const n = Math.min(this.pendingInserts, free);
      for (let j = 1; j <= n; j++) out.push(this.newRow(key.id + j, 0));
      this.counts.inserted += n;
      this.pendingInserts -= n;
      return;
    }
    if (next && next.id === key.id) return;
    const n = this.pendingInserts;
    if (free > 0 && this.rng.chance(0.5)) {
      for (let ordering = 1; ordering <= n; ordering++) out.push(this.newRow(key.id + 1, ordering));
    } else {
      const room = Math.min(n, 65535 - key.ordering);
      for (let j = 1; j <= room; j++) out.push(this.newRow(key.id, key.ordering + j));
      this.counts.inserted -= n - room;
    }
    this.counts.inserted += n;
    this.pendingInserts = 0;
  }

  /** The line with one value field regenerated to something different (a rating: more votes, see TableRates). */
  private updated(line: string): string {
    const fields = line.split("\t");
    if (this.rates.newAverage !== undefined) {
      const [key, average = "5.0", votes = "5"] = fields;
      const newAverage = this.rng.chance(this.rates.newAverage) ? nudgedAverage(average, this.rng) : average;
      return [key, newAverage, String(moreVotes(Number(votes), this.rng))].join("\t");
    }
    const from = firstValueField(this.model);
    for (let attempt = 0; attempt < 100; attempt++) {
      const index = this.rng.range(from, fields.length - 1);
      const value = (this.model.fields[index] as FieldGenerator)(this.rng, this.world);
      if (value !== fields[index]) {
        fields[index] = value;
        return fields.join("\t");
      }
    }
    throw new Error(`could not change the line ${line}`);
  }

  private newRow(id: number, ordering: number): string {
    this.maxId = Math.max(this.maxId, id);
    const key = formatKey(this.model.prefix, id);
    const values = valueFields(this.model, this.rng, this.world);
    return this.model.ordered ? `${key}\t${ordering}\t${values}` : `${key}\t${values}`;
  }

  private keyOf(line: string): Key {
    const tab = line.indexOf("\t");
    const id = Number(line.slice(2, tab));
    const ordering = this.model.ordered ? Number(line.slice(tab + 1, line.indexOf("\t", tab + 1))) : 0;
    return { id, ordering };
  }
}

async function* mutatedLines(file: string, mutator: TableMutator): AsyncGenerator<string[]> {
  let header = true;
  for await (const batch of readLineBatches(file)) {
    const out: string[] = [];
    for (const line of batch) {
      if (header) {
        out.push(line);
        header = false;
      } else {
        mutator.push(line, out);
      }
    }
    yield out;
  }
  const out: string[] = [];
  mutator.finish(out);
  yield out;
}

export interface MutateOptions {
  input: string;
  out: string;
  /** The uniform profile's share of changed rows (ignored by the day profile). */
  share: number;
  profile?: ProfileName;
  seed?: number;
}

export function readManifest(dir: string): Manifest {
  return JSON.parse(readFileSync(path.join(dir, "manifest.json"), "utf8")) as Manifest;
}

/** Writes the mutated files, expected.json and manifest.json into `out`; returns the expected counts. */
export async function mutateDataset(options: MutateOptions): Promise<Expected> {
  const manifest = readManifest(options.input);
  const world = createWorld(manifest.scale, manifest.seed);
  const generation = manifest.generation + 1;
  const seed = (options.seed ?? 1) ^ Math.imul(generation, 0x01000193);
  mkdirSync(options.out, { recursive: true });
  const expected = {} as Expected;
  for (const table of tableNames) {
    const change = options.profile === "day" ? dayProfile[table] : options.share;
    const mutator = new TableMutator(table, world, change, new Rng(seed, 100 + tableNames.indexOf(table)));
    const file = datasets[table].file;
    await writeGzLines(path.join(options.out, file), mutatedLines(path.join(options.input, file), mutator));
    expected[table] = mutator.counts;
  }
  const rows = Object.fromEntries(tableNames.map((t) => [t, expected[t].rows])) as Record<TableName, number>;
  const next: Manifest = { ...manifest, generation, rows };
  writeFileSync(path.join(options.out, "manifest.json"), `${JSON.stringify(next, null, 2)}\n`);
  writeFileSync(path.join(options.out, "expected.json"), `${JSON.stringify(expected, null, 2)}\n`);
  return expected;
}
