/**
 * Reads one IMDb file: bytes → lines → header check → field checks → XXH64 of each raw line, and hands
 * the rows over one decompressed chunk at a time, so the caller can await (back-pressure) between chunks.
 * Adjacent rows with the same key are collapsed here by the duplicate-key rule (laterRowWins).
 */
import type { Readable } from "node:stream";
import type { DatasetSpec } from "../catalog/datasets";
import { expectedHeader } from "../catalog/datasets";
import type { TableCounters } from "../run-record/counters";
import { EtlError } from "./errors";
import type { LineHasher } from "./hash";
import { type LineKey, LineSplitter, lineChecker, noKey } from "./tsv";

export interface ScannedRow extends LineKey {
  lineNumber: number;
  buf: Buffer;
  start: number;
  end: number;
  hash: bigint;
  /** A rejected line whose key could be read: the row it would replace is kept as it is. */
  rejected: boolean;
}

export interface Reject {
  lineNumber: number;
  reason: string;
  line: string;
}

export type ScanCounters = Pick<TableCounters, "read" | "rejected" | "duplicates">;

export interface ScanHandlers {
  /** Rows of one chunk, in file order, adjacent duplicates already collapsed. */
  onRows(rows: ScannedRow[]): Promise<void>;
  onReject(reject: Reject): void;
}

/**
 * The one duplicate-key rule, for two rows of one file with the same key, `earlier` before `later`: the later
 * row wins unless it is a rejected line (a rejected line never replaces a good row, and keeps the table row as
 * it is); a duplicate is counted only when a good row replaces a good row, since a rejected line is counted
 * as rejected already. A first build's LOAD DATA … REPLACE sees good rows only, so its count of replaced
 * rows follows the same rule.
 */
export function laterRowWins(earlier: ScannedRow, later: ScannedRow): { wins: boolean; duplicate: boolean } {
  if (later.rejected) return { wins: earlier.rejected, duplicate: false };
  return { wins: true, duplicate: !earlier.rejected };
}

const maxLineInReject = 2000;

/** The start of a rejected line, cut to at most maxLineInReject bytes but never inside a UTF-8 character. */
function rejectedLineText(buf: Buffer, start: number, end: number): string {
  let cut = Math.min(end, start + maxLineInReject);
  if (cut < end) while (cut > start && ((buf[cut] ?? 0) & 0xc0) === 0x80) cut--;
  return buf.toString("utf8", start, cut);
}

/** One shape for every row object (a literal, not a spread, keeps V8 on its fast path). */
function scannedRow(
  key: LineKey,
  lineNumber: number,
  buf: Buffer,
  start: number,
  end: number,
  hash: bigint,
  rejected: boolean,
): ScannedRow {
  return { id: key.id, ordering: key.ordering, mergeKey: key.mergeKey, lineNumber, buf, start, end, hash, rejected };
}

function checkHeader(spec: DatasetSpec, header: Buffer, buf: Buffer, start: number, end: number): void {
  if (end - start === header.length && buf.compare(header, 0, header.length, start, end) === 0) return;
  // The found line is shown only if it looks like a header (field names): the run's error is readable in the
  // console, and a file that is no IMDb file at all must not have its first line echoed there.
  const found = buf.toString("utf8", start, Math.min(end, start + 300));
  const shown = /^[A-Za-z_ ]+(\t[A-Za-z_ ]+)*$/.test(found) ? found : "(a line that is not a header of field names)";
  throw new EtlError(
    "BAD_HEADER",
    `${spec.file}: the header differs from the expected one.\nexpected: ${header}\nfound:    ${shown}`,
  );
}

/**
 * A failure while reading the file, as the run should report it. Every zlib failure (corrupt data, a bad
 * check, a truncated stream) carries a Z_* code; matching on the message missed some of them ("too many
 * length or distance symbols", "incorrect data check").
 */
export function readError(spec: DatasetSpec, error: unknown): unknown {
  if (error instanceof EtlError) return error;
  const { message, code } = error as NodeJS.ErrnoException;
  if (code?.startsWith("Z_")) {
    return new EtlError("BAD_GZIP", `${spec.file}: the compressed file is corrupt or truncated (${message}).`);
  }
  return error;
}

/**
 * Checks, keys and hashes lines one at a time (header first) and collects the good rows, adjacent rows with
 * the same key collapsed by the duplicate-key rule. The last row is held back until the next line or end():
 * a later line with its key may still replace it. scanFile feeds it a whole file; the kept-file diff feeds it
 * only the lines that differ from the kept file.
 */
export class LineScanner {
  private readonly header: Buffer;
  private readonly check: ReturnType<typeof lineChecker>;
  private readonly key = noKey();
  private batch: ScannedRow[] = [];
  private pending: ScannedRow | undefined;

  constructor(
    private readonly spec: DatasetSpec,
    private readonly hash: LineHasher,
    private readonly counters: ScanCounters,
    private readonly onReject: (reject: Reject) => void,
  ) {
    this.header = Buffer.from(expectedHeader(spec));
    this.check = lineChecker(spec);
  }

  /** One line of the file; line 1 is the header. */
  readonly line = (buf: Buffer, start: number, end: number, lineNumber: number, utf8Checked: boolean): void => {
    if (lineNumber === 1) {
      checkHeader(this.spec, this.header, buf, start, end);
      return;
    }
    this.counters.read++;
    const key = this.key;
    const reason = this.check(buf, start, end, utf8Checked, key);
    if (reason === undefined) {
      this.keep(scannedRow(key, lineNumber, buf, start, end, this.hash(buf.subarray(start, end)), false));
      return;
    }
    this.counters.rejected++;
    this.onReject({ lineNumber, reason, line: rejectedLineText(buf, start, end) });
    if (key.id >= 0) this.keep(scannedRow(key, lineNumber, buf, start, end, 0n, true));
  };

  private keep(row: ScannedRow): void {
    const pending = this.pending;
    if (pending && pending.mergeKey === row.mergeKey) {
      const { wins, duplicate } = laterRowWins(pending, row);
      if (duplicate) this.counters.duplicates++;
      if (!wins) return;
    } else if (pending) {
      this.batch.push(pending);
    }
    this.pending = row;
  }

  /** The rows collected so far (without the one held back). */
  take(): ScannedRow[] {
    const rows = this.batch;
    this.batch = [];
    return rows;
  }

  /** No further line can repeat the last row's key (the file or its id ended): releases it too. */
  end(): ScannedRow[] {
    if (this.pending) this.batch.push(this.pending);
    this.pending = undefined;
    return this.take();
  }
}

/** Stops the file when the run was cancelled or stopped (too many rejects). */
export function stopIfAborted(signal: AbortSignal): void {
  if (signal.aborted) {
    throw signal.reason instanceof EtlError ? signal.reason : new EtlError("CANCELLED", "The sync was cancelled.");
  }
}

export function emptyFile(spec: DatasetSpec): EtlError {
  return new EtlError("BAD_HEADER", `${spec.file}: the file is empty (no header line).`);
}

export async function scanFile(
  input: Readable,
  spec: DatasetSpec,
  hash: LineHasher,
  counters: ScanCounters,
  handlers: ScanHandlers,
  signal: AbortSignal,
): Promise<void> {
  const scanner = new LineScanner(spec, hash, counters, handlers.onReject);
  const splitter = new LineSplitter(scanner.line);
  try {
    for await (const chunk of input as AsyncIterable<Buffer>) {
      stopIfAborted(signal);
      splitter.push(chunk);
      const rows = scanner.take();
      if (rows.length > 0) await handlers.onRows(rows);
    }
  } catch (error) {
    throw readError(spec, error);
  }
  splitter.finish();
  // An abort during the last chunk (too many rejects in a small file, a late cancel) must still stop the file.
  stopIfAborted(signal);
  if (splitter.linesSeen === 0) throw emptyFile(spec);
  const rows = scanner.end();
  if (rows.length > 0) await handlers.onRows(rows);
}
