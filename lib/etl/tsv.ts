/**
 * The streaming line reader and the field checks. Works on the raw bytes of the read buffer: lines are
 * found with indexOf, fields are checked in place, and nothing is decoded to strings on the hot path.
 */
import { isUtf8 } from "node:buffer";
import { type DatasetSpec, type FieldKind, hasOrdering } from "../catalog/datasets";

export const TAB = 9;
export const NEWLINE = 10;
const CR = 13;
const BACKSLASH = 92;
const N = 78;

/**
 * utf8Checked: the chunk's lines holding the line (or the line alone, when it spans chunks) were valid UTF-8, so
 * the line need not be checked again.
 */
export type LineHandler = (buf: Buffer, start: number, end: number, lineNumber: number, utf8Checked: boolean) => void;

const EMPTY = Buffer.alloc(0);

/** Where a line that stops at `stop` (its `\n`, or the end of the stream) ends: before a `\r` right there. */
const lineEnd = (buf: Buffer, start: number, stop: number) => (stop > start && buf[stop - 1] === CR ? stop - 1 : stop);

/**
 * The one line reader (csv-parse's shape: a pure state machine, no I/O): feed() it chunks, take lines with
 * next() until it returns false, feed the next chunk, and call finish() when the stream ends. The current line is
 * `buf` from `start` to `end` (without the `\n`, and without a `\r` before it), numbered from 1: fields, not
 * an object per line. Lines are slices of the chunks; only a line that spans chunks is copied, alone (copying
 * each chunk behind the rest of the last one doubled the garbage, and the peak memory with it). With
 * `checkUtf8`, each chunk's whole lines are checked for UTF-8 in one call (`utf8Checked`), and a line that
 * spans chunks alone; a last line without a newline is never flagged.
 */
export class LineCursor {
  buf: Buffer = EMPTY;
  start = 0;
  end = 0;
  lineNumber = 0;
  utf8Checked = false;
  /** The chunk the lines are read from, and where the next one starts; the bytes from `pos` on are carried. */
  private chunk: Buffer = EMPTY;
  private pos = 0;
  /** A line that spanned chunks, copied whole (with its `\n`, but for a last line): given before the chunk's. */
  private spanning: Buffer | undefined;
  private spanningUtf8 = false;
  private chunkUtf8 = false;

  constructor(private readonly checkUtf8: boolean) {}

  /**
   * Takes the next chunk, once next() has returned false. True when it completes a line; false when it only
   * carries bytes over (no newline in it), and then the next chunk is wanted.
   */
  feed(chunk: Buffer): boolean {
    const carried = this.pos < this.chunk.length;
    const nl = chunk.indexOf(NEWLINE);
    if (nl === -1) {
      this.chunk = carried ? Buffer.concat([this.chunk.subarray(this.pos), chunk]) : chunk;
      this.pos = 0;
      return false;
    }
    let pos = 0;
    if (carried) {
      const spanning = Buffer.concat([this.chunk.subarray(this.pos), chunk.subarray(0, nl + 1)]);
      this.spanning = spanning;
      this.spanningUtf8 = this.checkUtf8 && isUtf8(spanning.subarray(0, spanning.length - 1));
      pos = nl + 1;
    }
    this.chunk = chunk;
    this.pos = pos;
    if (this.checkUtf8) this.chunkUtf8 = isUtf8(chunk.subarray(pos, Math.max(pos, chunk.lastIndexOf(NEWLINE))));
    return true;
  }

  /** The stream has ended: true when the bytes carried over make a last line (without a newline). */
  finish(): boolean {
    const rest = this.chunk.subarray(this.pos);
    [this.chunk, this.pos] = [EMPTY, 0];
    if (rest.length === 0) return false;
    this.spanning = rest;
    this.spanningUtf8 = false;
    return true;
  }

  /** Moves to the next line: false when the chunk has no further whole line (feed the next one). */
  next(): boolean {
    const spanning = this.spanning;
    if (spanning) {
      this.spanning = undefined;
      const stop = spanning[spanning.length - 1] === NEWLINE ? spanning.length - 1 : spanning.length;
      this.setLine(spanning, 0, stop, this.spanningUtf8);
      return true;
    }
    const chunk = this.chunk;
    const nl = chunk.indexOf(NEWLINE, this.pos);
    if (nl === -1) return false;
    this.setLine(chunk, this.pos, nl, this.chunkUtf8);
    this.pos = nl + 1;
    return true;
  }

  /**
   * Gives every line left in the chunk to `onLine`, as next() would one by one: the push side's loop, which
   * keeps the line in locals rather than in the fields (a few percent of the split on the engine's hot path).
   */
  drain(onLine: LineHandler): void {
    if (this.spanning && this.next()) onLine(this.buf, this.start, this.end, this.lineNumber, this.utf8Checked);
    const chunk = this.chunk;
    const utf8Checked = this.chunkUtf8;
    let start = this.pos;
    for (let nl = chunk.indexOf(NEWLINE, start); nl !== -1; nl = chunk.indexOf(NEWLINE, start)) {
      onLine(chunk, start, lineEnd(chunk, start, nl), ++this.lineNumber, utf8Checked);
      start = nl + 1;
    }
    this.pos = start;
  }

  private setLine(buf: Buffer, start: number, stop: number, utf8Checked: boolean): void {
    this.buf = buf;
    this.start = start;
    this.end = lineEnd(buf, start, stop);
    this.utf8Checked = utf8Checked;
    this.lineNumber++;
  }

  /** Puts the current line back: next() gives it again. */
  unread(): void {
    if (this.buf === this.chunk) this.pos = this.start;
    else this.spanning = this.buf;
    this.lineNumber--;
  }

  /**
   * The chunk and where next() goes on reading in it, when the next line is one of the chunk's (not a line
   * spanning two chunks): for comparing the rest of two chunks at once.
   */
  get ahead(): { chunk: Buffer; from: number } | undefined {
    return this.spanning ? undefined : { chunk: this.chunk, from: this.pos };
  }

  /** Moves on to `position` of the chunk, past `lines` whole lines taken without next(). */
  skip(position: number, lines: number): void {
    this.pos = position;
    this.lineNumber += lines;
  }
}

/**
 * The push adapter: give it chunks with push() and finish() at the end, and it calls `onLine` for every line.
 * The header line is line 1.
 */
export class LineSplitter {
  private readonly lines = new LineCursor(true);

  constructor(private readonly onLine: LineHandler) {}

  get linesSeen(): number {
    return this.lines.lineNumber;
  }

  push(chunk: Buffer): void {
    if (this.lines.feed(chunk)) this.lines.drain(this.onLine);
  }

  finish(): void {
    if (this.lines.finish()) this.lines.drain(this.onLine);
  }
}

/**
 * The pull adapter, for reading two files side by side: next() gives the next line (see LineCursor); when it
 * returns false, `await refill()` and call it again, until refill() returns false at the end of the stream.
 */
export class LinePuller extends LineCursor {
  private ended = false;
  private readonly chunks: AsyncIterator<Buffer>;

  constructor(input: AsyncIterable<Buffer>, checkUtf8: boolean) {
    super(checkUtf8);
    this.chunks = input[Symbol.asyncIterator]();
  }

  /** Reads chunks until one completes a line; false once the stream has ended and every line was given. */
  async refill(): Promise<boolean> {
    if (this.ended) return false;
    for (;;) {
      const { value, done } = await this.chunks.next();
      if (done) {
        this.ended = true;
        return this.finish();
      }
      if (this.feed(value as Buffer)) return true;
    }
  }
}

/** A line's identity: the IMDb key's number and, for akas/principals, its ordering. */
export interface LineKey {
  /** -1 when the line's key cannot be read. */
  id: number;
  ordering: number;
  /** One number that sorts like the file: id * 65536 + ordering. */
  mergeKey: number;
}

export const noKey = (): LineKey => ({ id: -1, ordering: 0, mergeKey: -1 });

/**
 * Checks one line: undefined when it is good, else why it is rejected. The line's key is written into `key`
 * (id -1 when it cannot be read) instead of a new object per line: the checker runs for every row.
 */
export type LineCheck = (
  buf: Buffer,
  start: number,
  end: number,
  utf8Checked: boolean,
  key: LineKey,
) => string | undefined;

function isNull(buf: Buffer, start: number, end: number): boolean {
  return end - start === 2 && buf[start] === BACKSLASH && buf[start + 1] === N;
}

/** A canonical unsigned integer (no sign, no leading zero), or -1. */
function readUint(buf: Buffer, start: number, end: number): number {
  const length = end - start;
  if (length === 0 || length > 10 || (length > 1 && buf[start] === 48)) return -1;
  let value = 0;
  for (let i = start; i < end; i++) {
    const digit = (buf[i] ?? 0) - 48;
    if (digit < 0 || digit > 9) return -1;
    value = value * 10 + digit;
  }
  return value;
}

/** tt0000001 / nm10000000: the prefix, then at least 7 digits, zero padded to 7 and no further. */
function readImdbKey(buf: Buffer, start: number, end: number, prefix: string): number {
  if (buf[start] !== prefix.charCodeAt(0) || buf[start + 1] !== prefix.charCodeAt(1)) return -1;
  const digits = end - start - 2;
  if (digits < 7 || digits > 10 || (digits > 7 && buf[start + 2] === 48)) return -1;
  let value = 0;
  for (let i = start + 2; i < end; i++) {
    const digit = (buf[i] ?? 0) - 48;
    if (digit < 0 || digit > 9) return -1;
    value = value * 10 + digit;
  }
  return value <= 4294967295 ? value : -1;
}

/** A rating as DECIMAL(3,1) reads it back: 0.0 to 99.9 with exactly one decimal. */
function isRating(buf: Buffer, start: number, end: number): boolean {
  const length = end - start;
  if (length !== 3 && length !== 4) return false;
  if (buf[end - 2] !== 46) return false;
  if (length === 4 && buf[start] === 48) return false;
  for (let i = start; i < end; i++) {
    if (i === end - 2) continue;
    const c = buf[i] ?? 0;
    if (c < 48 || c > 57) return false;
  }
  return true;
}

function charCount(buf: Buffer, start: number, end: number): number {
  let count = 0;
  for (let i = start; i < end; i++) if (((buf[i] ?? 0) & 0xc0) !== 0x80) count++;
  return count;
}

function checkField(kind: FieldKind, buf: Buffer, start: number, end: number): string | undefined {
  if (kind.type === "key") return undefined;
  if (isNull(buf, start, end)) return undefined;
  switch (kind.type) {
    case "uint": {
      const value = readUint(buf, start, end);
      return value < 0 ? "not a whole number" : value > kind.max ? `number larger than ${kind.max}` : undefined;
    }
    case "rating":
      return isRating(buf, start, end) ? undefined : "not a rating like 6.5";
    case "text":
      return end - start > kind.maxChars && charCount(buf, start, end) > kind.maxChars
        ? `longer than ${kind.maxChars} characters`
        : undefined;
    case "bytes":
      return end - start > kind.maxBytes ? `longer than ${kind.maxBytes} bytes` : undefined;
  }
}

/** Builds the checker for one dataset: field count, key form, numbers, lengths and UTF-8. */
export function lineChecker(spec: DatasetSpec): LineCheck {
  const fields = spec.fields;
  const keyKind = fields[0]?.kind;
  if (keyKind?.type !== "key") throw new Error(`${spec.table}: the first field must be the key`);
  const ordered = hasOrdering(spec);
  const tabs: number[] = new Array(fields.length + 1);

  return (buf, start, end, utf8Checked, key) => {
    let count = 0;
    tabs[0] = start - 1;
    for (let at = buf.indexOf(TAB, start); at !== -1 && at < end; at = buf.indexOf(TAB, at + 1)) {
      if (++count >= fields.length) break;
      tabs[count] = at;
    }
    tabs[fields.length] = end;
    const id = readImdbKey(buf, start, count > 0 ? (tabs[1] ?? end) : end, keyKind.prefix);
    const ordering = ordered && count >= 2 ? readUint(buf, (tabs[1] ?? 0) + 1, tabs[2] ?? end) : 0;
    const keyed = id >= 0 && ordering >= 0 && ordering <= 65535;
    key.id = keyed ? id : -1;
    key.ordering = keyed ? ordering : 0;
    key.mergeKey = keyed ? id * 65536 + ordering : -1;
    if (count !== fields.length - 1) return `expected ${fields.length} fields, found ${count + 1}`;
    if (id < 0) return `${fields[0]?.name} is not a key like ${keyKind.prefix}0000001`;
    if (!keyed) return "ordering is not a whole number up to 65535";
    if (!utf8Checked && !isUtf8(buf.subarray(start, end))) return "invalid UTF-8";
    for (let i = 1; i < fields.length; i++) {
      const field = fields[i];
      if (!field) continue;
      const problem = checkField(field.kind, buf, (tabs[i] ?? 0) + 1, tabs[i + 1] ?? end);
      if (problem) return `${field.name}: ${problem}`;
    }
    return undefined;
  };
}

/** The value of field `index` of a checked line, or null for \N. */
export function fieldText(buf: Buffer, start: number, end: number, index: number): string | null {
  let from = start;
  for (let i = 0; i < index; i++) from = buf.indexOf(TAB, from) + 1;
  const tab = buf.indexOf(TAB, from);
  const to = tab === -1 || tab > end ? end : tab;
  return isNull(buf, from, to) ? null : buf.toString("utf8", from, to);
}

/**
 * Reads only the key of a line already known to be good (a kept file's) into `key`, as the checker does: the
 * id and, for akas/principals, the ordering. False when there is none.
 */
export function lineKeyReader(spec: DatasetSpec) {
  const keyKind = spec.fields[0]?.kind;
  if (keyKind?.type !== "key") throw new Error(`${spec.table}: the first field must be the key`);
  const ordered = hasOrdering(spec);
  return (buf: Buffer, start: number, end: number, key: LineKey): boolean => {
    const tab = buf.indexOf(TAB, start);
    const keyEnd = tab === -1 || tab > end ? end : tab;
    const id = readImdbKey(buf, start, keyEnd, keyKind.prefix);
    let ordering = 0;
    if (ordered) {
      const next = buf.indexOf(TAB, keyEnd + 1);
      ordering = keyEnd < end ? readUint(buf, keyEnd + 1, next === -1 || next > end ? end : next) : -1;
    }
    if (id < 0 || ordering < 0 || ordering > 65535) return false;
    key.id = id;
    key.ordering = ordering;
    key.mergeKey = id * 65536 + ordering;
    return true;
  };
}
