/**
 * The next day's snapshot of a generated folder: about `share` of each file's rows change, half of
 * them updated (one field regenerated, so the line and its XXH64 change), a quarter deleted and a
 * quarter inserted (new keys in the gaps between existing ones, new orderings after a title's last
 * one, and brand-new titles/people past the largest key). The output keeps the numeric key order,
 * and expected.json says exactly how many rows of each kind every table must see.
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

/** Shares of `share` per kind of change; the rest of the inserts go past the largest key. */
const updateShare = 0.5;
const deleteShare = 0.25;
const gapInsertShare = 0.2;
const tailInsertShare = 0.05;

interface Key {
  id: number;
  ordering: number;
}

/** Mutates one file line by line; push() every data line in order, then finish(). */
export class TableMutator {
  readonly counts: TableChanges = { rows: 0, inserted: 0, updated: 0, deleted: 0, unchanged: 0 };
  private readonly model: TableModel;
  private pending: { line: string; key: Key } | undefined;
  private pendingInserts = 0;
  private maxId = 0;
  private seen = 0;

  constructor(
    table: TableName,
    private readonly world: World,
    private readonly share: number,
    private readonly rng: Rng,
  ) {
    this.model = models[table];
  }

  push(line: string, out: string[]): void {
    const key = this.keyOf(line);
    if (this.pending) this.apply(this.pending.line, this.pending.key, key, out);
    this.pending = { line, key };
  }

  finish(out: string[]): void {
    if (this.pending) this.apply(this.pending.line, this.pending.key, undefined, out);
    this.pending = undefined;
    let tail = Math.round(this.seen * this.share * tailInsertShare);
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
    const u = this.rng.unit() / this.share;
    if (u < updateShare) {
      out.push(this.updated(line));
      this.counts.updated++;
    } else if (u < updateShare + deleteShare) {
      this.counts.deleted++;
    } else {
      out.push(line);
      this.counts.unchanged++;
      if (u < updateShare + deleteShare + gapInsertShare) this.pendingInserts++;
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

  /** The line with one value field regenerated to something different. */
  private updated(line: string): string {
    const fields = line.split("\t");
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
  share: number;
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
    const mutator = new TableMutator(table, world, options.share, new Rng(seed, 100 + tableNames.indexOf(table)));
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
