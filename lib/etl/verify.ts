/**
 * Verify: compares a table with its file row by row and reports drift (rows changed outside the sync)
 * without writing to the table. It is the incremental merge (merge.ts: the file's rows against the table's
 * rows in key order) with an output that counts what a sync would write instead of staging it: a row the
 * file has and the table lacks is "missing", one whose content differs "differing", one the table has and
 * the file lacks "extra". The table's rows are read with their content (RowContentCursor), not only their
 * row_hash, which an UPDATE behind the sync's back leaves as it was. Rejected lines and duplicate keys count as in a sync, and are not drift (a sync
 * keeps the table row of a rejected line as it is). The table is always read: a verify never skips a file.
 */
import type { PoolConnection } from "mysql2/promise";
import { type DatasetSpec, formatKey, hasOrdering } from "../catalog/datasets";
import type { Db } from "../db";
import { type Drift, type DriftExample, recordDrift } from "../run-record/record";
import { KeyHashCursor } from "./cursor";
import { EtlError } from "./errors";
import { forgetFingerprint } from "./fingerprint";
import type { LineHasher } from "./hash";
import { streamingConnection } from "./load-stream";
import { KeyMerge, type MergeOutput } from "./merge";
import { type ScannedRow, scanFile } from "./scan";
import { openTableFile } from "./source";
import { selectRowLinesSql } from "./sql";
import { type TableJob, timed } from "./table-job";

/**
 * The table side of a full compare (a verify, or a repair's incremental sync): each row's hash is the XXH64 of
 * its columns rendered back as its IMDb line, so an UPDATE behind the sync's back is seen although it left
 * row_hash alone. A row whose row_hash is not its own line's hash was changed outside the sync as well: its
 * hash is altered so that it matches no file line (a sync then rewrites it).
 */
export class RowContentCursor extends KeyHashCursor {
  constructor(
    connection: PoolConnection,
    spec: DatasetSpec,
    private readonly hashLine: LineHasher,
  ) {
    super(connection, selectRowLinesSql(spec, spec.table), hasOrdering(spec));
  }

  protected override rowHash(row: readonly unknown[]): bigint {
    const content = this.hashLine(row[row.length - 1] as Buffer);
    const stored = (row[row.length - 2] as Buffer).readBigUInt64BE(0);
    return content === stored ? content : content ^ 1n;
  }
}

/** Examples kept per table: enough to look at a few rows by hand, never a list that grows with the drift. */
export const maxDriftExamples = 20;

/** The merge's output for a verify: counts each kind of drift, keeps the first examples, writes nothing. */
export class DriftCount implements MergeOutput {
  readonly drift: Drift = { missing: 0, differing: 0, extra: 0, examples: [] };
  private readonly hasOrdering: boolean;

  constructor(
    private readonly spec: DatasetSpec,
    private readonly counters: { unchanged: number },
    private readonly maxExamples = maxDriftExamples,
  ) {
    this.hasOrdering = hasOrdering(spec);
  }

  insert(row: ScannedRow): void {
    this.drift.missing++;
    this.example("missing", row.id, row.ordering, row.lineNumber);
  }

  update(row: ScannedRow): void {
    this.drift.differing++;
    this.example("differing", row.id, row.ordering, row.lineNumber);
  }

  unchanged(): void {
    this.counters.unchanged++;
  }

  delete(id: number, ordering: number): void {
    this.drift.extra++;
    this.example("extra", id, ordering, null);
  }

  between(): undefined {
    return undefined;
  }

  private example(kind: DriftExample["kind"], id: number, ordering: number, lineNumber: number | null): void {
    if (this.drift.examples.length >= this.maxExamples) return;
    const key = formatKey(this.spec, id);
    this.drift.examples.push({ kind, key, ordering: this.hasOrdering ? ordering : null, lineNumber });
  }
}

export const driftRows = (drift: Drift) => drift.missing + drift.differing + drift.extra;

/** The table's note on the run page and in the CLI. */
export function describeDrift(drift: Drift): string {
  if (driftRows(drift) === 0) return "No drift: the table holds the file's rows.";
  return `Drift: ${drift.missing} missing, ${drift.differing} differing, ${drift.extra} extra.`;
}

/**
 * Verifies one table against its file and records the drift with the run. Drift also clears the table's file
 * fingerprint: the table no longer equals the file it describes, so the next incremental sync compares again.
 */
export async function verifyTable(job: TableJob, db: Db, runId: number): Promise<Drift> {
  const { spec, counters } = job;
  counters.bytesRead = 0;
  counters.bytesTotal = job.file.bytes;
  const drift = await timed(counters, "compare", () => compareWithFile(job));
  await recordDrift(db, runId, spec.table, drift);
  if (driftRows(drift) > 0) await forgetFingerprint(db, spec.table);
  counters.message = describeDrift(drift);
  return drift;
}

/** The merge of the file with the table's rows, on a connection of its own, read only. */
async function compareWithFile(job: TableJob): Promise<Drift> {
  const { spec, counters } = job;
  const connection = await streamingConnection(job.pool);
  const cursor = new RowContentCursor(connection, spec, job.hash);
  const count = new DriftCount(spec, counters);
  const merge = new KeyMerge(cursor, count, counters, (row) => unsortedError(spec, row));
  try {
    await merge.start();
    const input = openTableFile(job);
    const handlers = { onRows: (rows: ScannedRow[]) => merge.add(rows), onReject: job.onReject };
    await scanFile(input, spec, job.hash, counters, handlers, job.signal);
    await merge.finish();
  } catch (error) {
    // A cursor stopped early leaves the connection mid-result: it cannot go back to the pool.
    cursor.close();
    connection.destroy();
    throw error;
  }
  connection.release();
  return count.drift;
}

function unsortedError(spec: DatasetSpec, row: ScannedRow): EtlError {
  return new EtlError(
    "UNSORTED",
    `${spec.file} is not sorted by ${spec.keyFields[0]} (line ${row.lineNumber}): a verify compares in key order only.`,
  );
}
