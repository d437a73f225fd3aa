/**
 * The kept file: a copy of the file a table was last synced from exactly, so that the next incremental run
 * can diff the new file against it instead of reading the whole table back. It lives in
 * `<keptDir>/<database>/` (one folder per mirror) and is only trusted together with the table's fingerprint
 * (fingerprint.ts): the fingerprint is cleared before a sync may change the table and written after the kept
 * file, so a kept file whose bytes match the stored fingerprint is the file the table equals. The diff
 * (diffWithKeptFile) checks those bytes while it reads them; anything amiss (missing, unsorted, other bytes)
 * sends the run back to the table scan.
 */
import { copyFile, link, mkdir, rename, rm, stat } from "node:fs/promises";
import path from "node:path";
import xxhash from "xxhash-wasm";
import type { DatasetSpec } from "../catalog/datasets";
import { fingerprintText, type KnownFile } from "./fingerprint";
import type { LineHasher } from "./hash";
import { type KeyCursor, KeyMerge, type MergeOutput } from "./merge";
import { emptyFile, LineScanner, type Reject, readError, stopIfAborted } from "./scan";
import { diffChunks, openBytes, openTableFile } from "./source";
import type { TableCounters } from "./table-job";
import { LinePuller, lineKeyReader, NEWLINE, noKey, TAB } from "./tsv";

export interface KeptFile extends KnownFile {
  path: string;
  gzipped: boolean;
}

/** Why the kept file cannot be used after all; the run then compares with the table. */
export class KeptFileUnusable extends Error {}

/** A mirror's folder of kept files: one per server and database, so two mirrors never share one. */
export function keptFolder(keptDir: string, databaseUrl: string): string {
  const url = new URL(databaseUrl);
  const name = `${url.hostname}-${url.port || "3306"}-${url.pathname.replace(/^\//, "")}`;
  return path.join(keptDir, name.replace(/[^A-Za-z0-9._-]/g, "_"));
}

function keptPaths(folder: string, spec: DatasetSpec): { gz: string; plain: string } {
  return { gz: path.join(folder, spec.file), plain: path.join(folder, spec.file.replace(/\.gz$/, "")) };
}

/**
 * The kept file of a table, if there is one whose size matches the fingerprint (`<bytes>:<xxh64>`, which its
 * bytes must match) that the table's last exact sync stored; undefined otherwise.
 */
export async function findKeptFile(folder: string, spec: DatasetSpec, known: KnownFile | undefined) {
  if (!known) return undefined;
  const bytes = Number(known.fingerprint.split(":")[0]);
  const { gz, plain } = keptPaths(folder, spec);
  for (const [candidate, gzipped] of [
    [gz, true],
    [plain, false],
  ] as const) {
    const info = await stat(candidate).catch(() => undefined);
    if (info?.isFile() && info.size === bytes) return { path: candidate, gzipped, ...known } satisfies KeptFile;
  }
  return undefined;
}

/**
 * Keeps `file` as the table's kept file. A download is hard-linked (the next download replaces its path by a
 * rename, never in place); any other file is copied, since its owner may rewrite it in place. Written under a
 * temporary name and renamed, so a crash never leaves half a file under the kept name.
 */
export async function keepFile(
  folder: string,
  spec: DatasetSpec,
  file: { path: string; gzipped: boolean },
  linkable: boolean,
) {
  await mkdir(folder, { recursive: true });
  const { gz, plain } = keptPaths(folder, spec);
  const target = file.gzipped ? gz : plain;
  const temporary = `${target}.tmp`;
  await rm(temporary, { force: true });
  const linked =
    linkable &&
    (await link(file.path, temporary).then(
      () => true,
      () => false,
    ));
  if (!linked) await copyFile(file.path, temporary);
  await rename(temporary, target);
  await rm(file.gzipped ? plain : gz, { force: true });
}

/** The lines of one id (a title or a person) in one file: slices of the read buffers, nothing copied. */
class LineGroup {
  id = -1;
  size = 0;
  /** A line whose key could not be read joined the group: it is rejected, so the group cannot be unchanged. */
  keyless = false;
  readonly bufs: Buffer[] = [];
  readonly starts: number[] = [];
  readonly ends: number[] = [];
  readonly lineNumbers: number[] = [];
  readonly utf8Checked: boolean[] = [];
  readonly orderings: number[] = [];
  /**
   * Lines found the same bytes as the other file's line of the same ordering (matchSameLines): unchanged rows.
   * Emptied with the group, so a line not marked reads as false.
   */
  readonly matched: boolean[] = [];

  clear(): void {
    this.id = -1;
    this.size = 0;
    this.keyless = false;
    this.matched.length = 0;
  }

  add(lines: LinePuller, ordering: number): void {
    const i = this.size++;
    this.bufs[i] = lines.buf;
    this.starts[i] = lines.start;
    this.ends[i] = lines.end;
    this.lineNumbers[i] = lines.lineNumber;
    this.utf8Checked[i] = lines.utf8Checked;
    this.orderings[i] = ordering;
  }

  /**
   * The same bytes, line for line, as the other file's group, and no ordering twice: the table's rows of this
   * id are then exactly these lines, unchanged (a repeated key goes the slow way, which counts duplicates).
   */
  sameAs(other: LineGroup): boolean {
    if (this.size !== other.size || this.keyless) return false;
    const last = this.size - 1;
    const whole = this.bufs[0] === this.bufs[last] && other.bufs[0] === other.bufs[last];
    // Most groups lie in one buffer: their bytes are compared in one call, newlines included.
    const same = whole
      ? sameBytes(this, 0, last, other)
      : this.bufs.every((_, i) => i > last || sameBytes(this, i, i, other));
    return same && (this.size === 1 || distinct(this.orderings, this.size));
  }
}

/**
 * Lines `from` to `to` of `a` (in one buffer) against lines `otherFrom` to `otherTo` of `b` (the same lines
 * unless given), byte for byte.
 */
function sameBytes(a: LineGroup, from: number, to: number, b: LineGroup, otherFrom = from, otherTo = to): boolean {
  const [start, end] = [a.starts[from] as number, a.ends[to] as number];
  const [otherStart, otherEnd] = [b.starts[otherFrom] as number, b.ends[otherTo] as number];
  if (end - start !== otherEnd - otherStart) return false;
  return (a.bufs[from] as Buffer).compare(b.bufs[otherFrom] as Buffer, otherStart, otherEnd, start, end) === 0;
}

/**
 * In an id that changed, the lines that are the same bytes as the other file's line of the same ordering:
 * unchanged rows, so only the others need checking, hashing and merging (an id changes a line or two of its
 * ten or fifty). Marked in both groups' `matched`; returns how many. Only where every line of both groups has
 * a key and no ordering comes twice in either, as for a whole id found the same (LineGroup.sameAs): a repeated
 * key goes the slow way, which applies the duplicate rule to all of its lines.
 */
function matchSameLines(fresh: LineGroup, kept: LineGroup): number {
  if (fresh.keyless || kept.keyless) return 0;
  if (!distinct(fresh.orderings, fresh.size) || !distinct(kept.orderings, kept.size)) return 0;
  let matched = 0;
  for (let i = 0; i < fresh.size; i++) {
    const ordering = fresh.orderings[i];
    // The same position first: lines mostly keep their places within an id.
    let j = i < kept.size && kept.orderings[i] === ordering ? i : -1;
    for (let k = 0; j < 0 && k < kept.size; k++) if (kept.orderings[k] === ordering) j = k;
    if (j < 0 || !sameBytes(fresh, i, i, kept, j, j)) continue;
    fresh.matched[i] = true;
    kept.matched[j] = true;
    matched++;
  }
  return matched;
}

/** No number twice among the first `size`: a quick pass when they ascend (as IMDb's mostly do), else pairs. */
function distinct(values: number[], size: number): boolean {
  let ascending = true;
  for (let i = 1; i < size && ascending; i++) ascending = (values[i] as number) > (values[i - 1] as number);
  if (ascending) return true;
  for (let i = 1; i < size; i++) for (let j = 0; j < i; j++) if (values[i] === values[j]) return false;
  return true;
}

/** Reads a file's lines one id at a time (the lines of an id are adjacent in a file sorted by key). */
class GroupReader {
  /** The puller's current line is the first of the next group. */
  private held = false;
  private readonly key = noKey();

  constructor(
    readonly lines: LinePuller,
    private readonly readKey: ReturnType<typeof lineKeyReader>,
  ) {}

  /**
   * Adds lines to the group until a line of another id comes (true) or the buffer runs out (false: refill
   * and call again; at the end of the stream the group is complete as it is). A line without a key joins
   * the group it is in.
   */
  fill(group: LineGroup): boolean {
    const { lines, key } = this;
    for (;;) {
      if (!this.held && !lines.next()) return false;
      this.held = true;
      const keyed = this.readKey(lines.buf, lines.start, lines.end, key);
      if (keyed && group.size > 0 && key.id !== group.id) return true;
      this.held = false;
      if (keyed) group.id = key.id;
      else group.keyless = true;
      group.add(lines, keyed ? key.ordering : -1);
    }
  }

  /** Puts a line read ahead (the next group's first) back into the puller; false when there is none. */
  unhold(): boolean {
    if (!this.held) return false;
    this.held = false;
    this.lines.unread();
    return true;
  }

  /**
   * The next group (empty at the end of the file): undefined when it was in the buffer, else a promise that
   * reads on. Most groups are: no promise per id (a promise per title was most of a run's garbage once).
   */
  next(group: LineGroup): Promise<void> | undefined {
    group.clear();
    return this.fill(group) ? undefined : this.readOn(group);
  }

  private async readOn(group: LineGroup): Promise<void> {
    while ((await this.lines.refill()) && !this.fill(group));
  }
}

/** How many bytes from the two offsets on are the same (at most n). */
function sameLength(a: Buffer, aStart: number, b: Buffer, bStart: number, n: number): number {
  const same = (from: number, to: number) => a.compare(b, bStart + from, bStart + to, aStart + from, aStart + to) === 0;
  if (same(0, n)) return n;
  let [low, high] = [0, n]; // the bytes before `low` are the same; the first difference is before `high`
  while (high - low > 64) {
    const middle = (low + high) >>> 1;
    if (same(low, middle)) low = middle;
    else high = middle;
  }
  while (low < high && a[aStart + low] === b[bStart + low]) low++;
  return low;
}

/** The length of the line's key (the bytes before its first tab), or -1 when the line has no tab. */
function keyLength(buf: Buffer, lineStart: number, lineEnd: number): number {
  const tab = buf.indexOf(TAB, lineStart);
  return tab === -1 || tab > lineEnd ? -1 : tab - lineStart;
}

/**
 * From the lines each reader holds on, the whole ids that are the same bytes in both files, skipped in one go
 * without reading their keys: compared as one block up to the first difference, then cut back to the start
 * of the last id before it (that id may go on past the difference). Only for a kept file in key order with no
 * key twice (`inKeyOrder`): its lines then need no checks, and an id cannot come back later in either file.
 * Returns the lines skipped and the id of the last one, or undefined when there is nothing to skip (or the next
 * id is not above `after`, the last one read: the group path then reports the file out of order).
 */
function skipSameIds(fresh: GroupReader, old: GroupReader, readKey: ReturnType<typeof lineKeyReader>, after: number) {
  if (!fresh.unhold()) return undefined;
  if (!old.unhold()) return undefined;
  const [a, b] = [fresh.lines, old.lines];
  const [mine, theirs] = [a.ahead, b.ahead];
  if (!mine || !theirs) return undefined;
  const [buf, from, otherFrom] = [mine.chunk, mine.from, theirs.from];
  const same = sameLength(
    buf,
    from,
    theirs.chunk,
    otherFrom,
    Math.min(buf.length - from, theirs.chunk.length - otherFrom),
  );
  // The last whole line before the difference, then back to the first line of its id.
  const lastNewline = buf.lastIndexOf(NEWLINE, from + same - 1);
  if (lastNewline < from) return undefined;
  let cut = Math.max(from, buf.lastIndexOf(NEWLINE, lastNewline - 1) + 1);
  const length = keyLength(buf, cut, lastNewline);
  if (length < 0) return undefined;
  while (cut > from) {
    const previous = Math.max(from, buf.lastIndexOf(NEWLINE, cut - 2) + 1);
    const sameKey =
      keyLength(buf, previous, cut - 1) === length &&
      buf.compare(buf, cut, cut + length, previous, previous + length) === 0;
    if (!sameKey) break;
    cut = previous;
  }
  const key = noKey();
  if (cut === from || !readKey(buf, from, buf.indexOf(NEWLINE, from), key) || key.id <= after) return undefined;
  let lines = 0;
  for (let at = buf.indexOf(NEWLINE, from); at !== -1 && at < cut; at = buf.indexOf(NEWLINE, at + 1)) lines++;
  const lastStart = Math.max(from, buf.lastIndexOf(NEWLINE, cut - 2) + 1);
  if (!readKey(buf, lastStart, cut - 1, key)) return undefined;
  a.skip(cut, lines);
  b.skip(otherFrom + (cut - from), lines);
  return { lines, lastId: key.id };
}

/** The kept file's rows of one id, as the table holds them (a repeated ordering keeps its last line). */
class KeptRows implements KeyCursor {
  private readonly orderings: number[] = [];
  private readonly hashes: bigint[] = [];
  private index = 0;
  id = -1;

  constructor(group: LineGroup | undefined, hash: LineHasher) {
    if (!group) return;
    this.id = group.id;
    for (let i = 0; i < group.size; i++) {
      if (group.matched[i]) continue;
      const rowHash = hash((group.bufs[i] as Buffer).subarray(group.starts[i], group.ends[i]));
      const twin = this.orderings.indexOf(group.orderings[i] as number);
      if (twin >= 0) this.hashes[twin] = rowHash;
      else {
        this.orderings.push(group.orderings[i] as number);
        this.hashes.push(rowHash);
      }
    }
  }

  get ready(): boolean {
    return this.index < this.hashes.length;
  }

  fill(): Promise<boolean> {
    return Promise.resolve(this.ready);
  }

  get ordering(): number {
    return this.orderings[this.index] as number;
  }

  get hash(): bigint {
    return this.hashes[this.index] as bigint;
  }

  next(): void {
    this.index++;
  }

  get count(): number {
    return this.hashes.length;
  }
}

/** The side-by-side reading of a new file and the kept file: what the diff needs besides the two files. */
export interface KeptDiffJob {
  spec: DatasetSpec;
  file: { path: string; gzipped: boolean };
  hash: LineHasher;
  counters: TableCounters;
  signal: AbortSignal;
  onReject(reject: Reject): void;
}

/**
 * Diffs the new file against the kept file the table equals, reading both side by side one id at a time.
 * An id whose lines are the same bytes in both is counted unchanged without checking, hashing or keeping a
 * row: that is nearly every id of a daily file. The other ids (new, deleted or changed lines, rejected lines,
 * repeated keys) go through the line checks and the merge with the kept rows, as a table-side merge would, so
 * the counts and changes are the same. Returns the table's row count (the deletion guard's base). Throws
 * KeptFileUnusable when the kept file turns out not to be the fingerprinted one (checked at its end) or not
 * sorted, and `unsorted(row)` when the new file is not in key order.
 */
export async function diffWithKeptFile(
  job: KeptDiffJob,
  kept: KeptFile,
  out: MergeOutput,
  unsorted: (row: { lineNumber: number }) => Error,
): Promise<number> {
  const { spec, counters } = job;
  const hasher = (await xxhash()).create64();
  let keptBytes = 0;
  // The kept file's stored bytes are hashed as they are read: verified against its fingerprint at the end.
  const keptInput = openBytes(
    kept,
    (chunk) => {
      keptBytes += chunk.length;
      hasher.update(chunk);
    },
    diffChunks,
  );
  const newInput = openTableFile(job, diffChunks);
  const scanner = new LineScanner(spec, job.hash, counters, job.onReject);
  const readKey = lineKeyReader(spec);
  const fresh = new GroupReader(new LinePuller(newInput as AsyncIterable<Buffer>, true), readKey);
  const old = new GroupReader(new LinePuller(keptInput as AsyncIterable<Buffer>, false), readKey);
  const [newGroup, keptGroup] = [new LineGroup(), new LineGroup()];
  let tableRows = 0;
  let lastNewId = -1;
  let lastKeptId = -1;

  /**
   * An id that differs: its new lines checked and hashed, merged with its kept rows; lines matched the same in
   * both (matchSameLines) are left out of both sides.
   */
  const mergeId = async (lines: LineGroup | undefined, keptLines: LineGroup | undefined) => {
    if (lines) {
      for (let i = 0; i < lines.size; i++) {
        if (lines.matched[i]) continue;
        const buf = lines.bufs[i] as Buffer;
        scanner.line(
          buf,
          lines.starts[i] as number,
          lines.ends[i] as number,
          lines.lineNumbers[i] as number,
          lines.utf8Checked[i] as boolean,
        );
      }
    }
    const rows = scanner.end();
    const keptRows = new KeptRows(keptLines, job.hash);
    tableRows += keptRows.count;
    const merge = new KeyMerge(keptRows, out, counters, unsorted);
    await merge.start();
    await merge.add(rows);
    await merge.finish();
  };

  // The next group of each file: synchronous while the buffer holds it, a promise only when a chunk is read.
  const newRead = () => {
    if (newGroup.id < 0) return;
    if (newGroup.id <= lastNewId) throw unsorted({ lineNumber: newGroup.lineNumbers[0] as number });
    lastNewId = newGroup.id;
  };
  const readNew = (): Promise<void> | undefined => {
    stopIfAborted(job.signal);
    const reading = fresh.next(newGroup);
    if (!reading) {
      newRead();
      return undefined;
    }
    return reading.then(newRead, (error: unknown) => Promise.reject(readError(spec, error)));
  };
  const keptRead = () => {
    if (keptGroup.size === 0) return;
    if (keptGroup.keyless) throw new KeptFileUnusable("a line of the kept file has no key");
    if (keptGroup.id <= lastKeptId) throw new KeptFileUnusable("the kept file is not sorted by its key");
    lastKeptId = keptGroup.id;
  };
  const readKept = (): Promise<void> | undefined => {
    const reading = old.next(keptGroup);
    if (!reading) {
      keptRead();
      return undefined;
    }
    const unusable = (error: Error) => new KeptFileUnusable(`the kept file cannot be read: ${error.message}`);
    return reading.then(keptRead, (error: Error) => Promise.reject(unusable(error)));
  };

  try {
    // The headers: the new file's is checked, the kept file's was.
    const header = async (reader: GroupReader) => {
      while (!reader.lines.next()) if (!(await reader.lines.refill())) return false;
      return true;
    };
    if (!(await header(fresh).catch((error: unknown) => Promise.reject(readError(spec, error))))) throw emptyFile(spec);
    scanner.line(fresh.lines.buf, fresh.lines.start, fresh.lines.end, 1, fresh.lines.utf8Checked);
    await header(old).catch((error: unknown) => {
      throw new KeptFileUnusable(`the kept file cannot be read: ${(error as Error).message}`);
    });
    await Promise.all([readNew(), readKept()]);
    while (newGroup.size > 0 || keptGroup.size > 0) {
      const compared = newGroup.size === 0 ? 1 : keptGroup.size === 0 ? -1 : Math.sign(newGroup.id - keptGroup.id);
      if (compared === 0 && newGroup.sameAs(keptGroup)) {
        counters.read += newGroup.size;
        out.unchanged(newGroup.size);
        tableRows += keptGroup.size;
        const skipped = kept.inKeyOrder ? skipSameIds(fresh, old, readKey, lastNewId) : undefined;
        if (skipped) {
          counters.read += skipped.lines;
          out.unchanged(skipped.lines);
          tableRows += skipped.lines;
          lastNewId = lastKeptId = skipped.lastId;
        }
      } else {
        const same = compared === 0 ? matchSameLines(newGroup, keptGroup) : 0;
        if (same > 0) {
          counters.read += same;
          out.unchanged(same);
          tableRows += same;
        }
        await mergeId(compared <= 0 ? newGroup : undefined, compared >= 0 ? keptGroup : undefined);
      }
      if (compared <= 0) {
        const reading = readNew();
        if (reading) await reading;
      }
      if (compared >= 0) {
        const reading = readKept();
        if (reading) await reading;
      }
    }
    stopIfAborted(job.signal);
  } finally {
    keptInput.destroy();
    newInput.destroy();
  }
  if (fingerprintText(keptBytes, hasher.digest()) !== kept.fingerprint) {
    throw new KeptFileUnusable("the kept file's bytes are not those of the table's last exact sync");
  }
  return tableRows;
}
