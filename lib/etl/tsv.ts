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

/** utf8Checked: the whole chunk holding the line was valid UTF-8, so the line need not be checked alone. */
export type LineHandler = (buf: Buffer, start: number, end: number, lineNumber: number, utf8Checked: boolean) => void;

/**
 * Splits a byte stream into lines (without the `\n`, and without a `\r` before it). The header line is
 * line 1. Feed chunks with push() and call finish() at the end for a last line without a newline.
 */
export class LineSplitter {
  private rest: Buffer | undefined;
  private lineNumber = 0;

  constructor(private readonly onLine: LineHandler) {}

  get linesSeen(): number {
    return this.lineNumber;
  }

  /**
   * Only the line that spans two chunks is copied (with the rest of the previous chunk); the other lines are
   * handed over as slices of the chunk itself, so the decompressed bytes are not copied again.
   */
  push(chunk: Buffer): void {
    let start = 0;
    if (this.rest) {
      const nl = chunk.indexOf(NEWLINE);
      if (nl === -1) {
        this.rest = Buffer.concat([this.rest, chunk]);
        return;
      }
      const spanning = Buffer.concat([this.rest, chunk.subarray(0, nl + 1)]);
      this.rest = undefined;
      this.lines(spanning, 0, spanning.length - 1);
      start = nl + 1;
    }
    const lastNewline = chunk.lastIndexOf(NEWLINE);
    if (lastNewline >= start) this.lines(chunk, start, lastNewline);
    const restStart = Math.max(start, lastNewline + 1);
    this.rest = restStart < chunk.length ? chunk.subarray(restStart) : undefined;
  }

  /** The lines of buf from `start` to its last newline (at `lastNewline`), checked for UTF-8 as one block. */
  private lines(buf: Buffer, start: number, lastNewline: number): void {
    const utf8Checked = isUtf8(buf.subarray(start, lastNewline));
    for (let nl = buf.indexOf(NEWLINE, start); nl !== -1; nl = buf.indexOf(NEWLINE, start)) {
      const end = nl > start && buf[nl - 1] === CR ? nl - 1 : nl;
      this.onLine(buf, start, end, ++this.lineNumber, utf8Checked);
      start = nl + 1;
    }
  }

  finish(): void {
    if (!this.rest) return;
    const buf = this.rest;
    this.rest = undefined;
    const end = buf[buf.length - 1] === CR ? buf.length - 1 : buf.length;
    this.onLine(buf, 0, end, ++this.lineNumber, false);
  }
}

/**
 * The lines of a byte stream pulled one at a time, for reading two files side by side: next() gives the next
 * line whole (as `buf`, `start`, `end`, without `\n` or a `\r` before it); when it returns false,
 * `await refill()` and call it again, until refill() returns false at the end of the stream. Lines are slices
 * of the stream's chunks; only a line that spans two chunks is copied, alone (copying each chunk behind the
 * rest of the last one doubled the garbage, and the peak memory with it).
 */
export class LinePuller {
  buf: Buffer = Buffer.alloc(0);
  start = 0;
  end = 0;
  lineNumber = 0;
  /** The line's chunk was valid UTF-8 as one block (only looked at when asked for, see `checkUtf8`). */
  utf8Checked = false;
  private chunk: Buffer = Buffer.alloc(0);
  private pos = 0;
  /** A line that spanned two chunks, copied whole: next() gives it before the rest of the chunk. */
  private spanning: Buffer | undefined;
  private chunkUtf8 = false;
  private ended = false;
  private readonly chunks: AsyncIterator<Buffer>;

  constructor(
    input: AsyncIterable<Buffer>,
    private readonly checkUtf8: boolean,
  ) {
    this.chunks = input[Symbol.asyncIterator]();
  }

  next(): boolean {
    const spanning = this.spanning;
    if (spanning) {
      this.spanning = undefined;
      const stop = spanning[spanning.length - 1] === NEWLINE ? spanning.length - 1 : spanning.length;
      this.setLine(spanning, 0, stop, false);
      return true;
    }
    const chunk = this.chunk;
    const nl = chunk.indexOf(NEWLINE, this.pos);
    if (nl === -1) return false;
    this.setLine(chunk, this.pos, nl, this.chunkUtf8);
    this.pos = nl + 1;
    return true;
  }

  private setLine(buf: Buffer, start: number, stop: number, utf8Checked: boolean): void {
    this.buf = buf;
    this.start = start;
    this.end = stop > start && buf[stop - 1] === CR ? stop - 1 : stop;
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

  /** Reads the next chunk; false once the stream has ended and every line was given. */
  async refill(): Promise<boolean> {
    if (this.ended) return false;
    let rest = this.chunk.subarray(this.pos);
    for (;;) {
      const { value, done } = await this.chunks.next();
      if (done) {
        this.ended = true;
        [this.chunk, this.pos] = [Buffer.alloc(0), 0];
        // The last line, without a newline.
        if (rest.length > 0) this.spanning = rest;
        return rest.length > 0;
      }
      const chunk = value as Buffer;
      const nl = chunk.indexOf(NEWLINE);
      if (rest.length > 0 && nl === -1) {
        rest = Buffer.concat([rest, chunk]);
        continue;
      }
      this.pos = 0;
      if (rest.length > 0) {
        this.spanning = Buffer.concat([rest, chunk.subarray(0, nl + 1)]);
        this.pos = nl + 1;
      }
      this.chunk = chunk;
      if (this.checkUtf8) {
        const last = chunk.lastIndexOf(NEWLINE);
        this.chunkUtf8 = last > this.pos && isUtf8(chunk.subarray(this.pos, last));
      }
      return true;
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
