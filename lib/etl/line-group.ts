/**
 * The kept-file diff's reading (kept-diff.ts): the lines of one id in one file as slices of the read buffers,
 * read one id at a time, and the byte comparisons that find the lines an id kept unchanged.
 */
import { type LinePuller, type lineKeyReader, noKey, TAB } from "./tsv";

/** The lines of one id (a title or a person) in one file: slices of the read buffers, nothing copied. */
export class LineGroup {
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
export function matchSameLines(fresh: LineGroup, kept: LineGroup): number {
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
export class GroupReader {
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
export function sameLength(a: Buffer, aStart: number, b: Buffer, bStart: number, n: number): number {
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
export function keyLength(buf: Buffer, lineStart: number, lineEnd: number): number {
  const tab = buf.indexOf(TAB, lineStart);
  return tab === -1 || tab > lineEnd ? -1 : tab - lineStart;
}
