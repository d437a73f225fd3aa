/**
 * The diff of a new file against the kept file (kept-file.ts) the table equals: both read side by side one id at
 * a time (line-group.ts); the ids whose lines are the same bytes are counted unchanged, the others merged with
 * the kept rows as a table-side merge would.
 */
import xxhash from "xxhash-wasm";
import type { DatasetSpec } from "../catalog/datasets";
import type { TableCounters } from "../run-record/counters";
import { fingerprintText } from "./fingerprint";
import type { LineHasher } from "./hash";
import { type KeptFile, KeptFileUnusable } from "./kept-file";
import { GroupReader, keyLength, LineGroup, matchSameLines, sameLength } from "./line-group";
import { type KeyCursor, KeyMerge, type MergeOutput } from "./merge";
import { emptyFile, LineScanner, type Reject, readError, stopIfAborted } from "./scan";
import { diffChunks, openBytes, openTableFile } from "./source";
import { LinePuller, lineKeyReader, NEWLINE, noKey } from "./tsv";

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
