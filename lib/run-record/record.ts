/**
 * The engine's record of a run in `etl_runs` / `etl_run_tables` / `etl_rejects`: it marks the run running,
 * beats its heart, keeps the per-table counters live, saves rejected lines and finishes the run. The run
 * summary read here is the shape the CLI's --json and the HTTP API return.
 *
 * Every change of a run's state is guarded in SQL by the state it comes from (queued → running, a heartbeat
 * only while running, a finish only from an active state), so a run that someone else already failed or
 * cancelled cannot write over it. While it executes, a run holds a server lock on a connection of its own:
 * the server frees it the moment the process dies, so the next start knows at once (lib/runs/control.ts).
 */
import { and, eq, inArray } from "drizzle-orm";
import type { Pool, RowDataPacket } from "mysql2/promise";
import {
  activeRunStatuses,
  type DriftKind,
  etlDrift,
  etlRejects,
  etlRuns,
  etlRunTables,
  type FinishedRunStatus,
} from "../../db/schema";
import type { TableName } from "../catalog/datasets";
import type { Db } from "../db";

/** A run that is no longer this process's to execute: another holds it, or it left the queue. */
export class RunSuperseded extends Error {
  readonly code = "SUPERSEDED";
  constructor(message: string) {
    super(message);
    this.name = "RunSuperseded";
  }
}

/** SQL for the run's lock name, per database (lock names are server-wide) and run: at most 64 characters. */
export function runLockName(id: number): string {
  if (!Number.isSafeInteger(id)) throw new Error(`not a run id: ${id}`);
  return `CONCAT('imdb_run:', LEFT(SHA1(DATABASE()), 16), ':', ${id})`;
}

export interface RunLock {
  release(): Promise<void>;
}

/** Takes the run's lock on a connection of its own, held until release() (or until the process dies). */
export async function holdRunLock(pool: Pool, id: number): Promise<RunLock> {
  const connection = await pool.getConnection();
  try {
    const [rows] = await connection.query<RowDataPacket[]>(`SELECT GET_LOCK(${runLockName(id)}, 0) AS ok`);
    if (Number(rows[0]?.ok) !== 1) throw new RunSuperseded(`Run #${id} is already executing elsewhere.`);
  } catch (error) {
    connection.release();
    throw error;
  }
  return {
    async release() {
      await connection.query(`SELECT RELEASE_LOCK(${runLockName(id)})`).catch(() => undefined);
      connection.release();
    },
  };
}

const affected = (result: unknown) => (result as [{ affectedRows: number }])[0].affectedRows;

/** queued → running; a run that is no longer queued (failed or cancelled meanwhile) must not start. */
export async function markRunning(db: Db, id: number): Promise<void> {
  const result = await db
    .update(etlRuns)
    .set({ status: "running", startedAt: new Date(), heartbeatAt: new Date() })
    .where(and(eq(etlRuns.id, id), eq(etlRuns.status, "queued")));
  if (affected(result) === 0) throw new RunSuperseded(`Run #${id} is no longer queued; it does not start.`);
}

/**
 * Records the heartbeat and tells whether someone asked to cancel the run, or whether it was superseded
 * (no longer running: failed or cancelled by someone else), in which case it must stop without writing.
 */
export async function heartbeat(db: Db, id: number): Promise<{ cancelRequested: boolean; superseded: boolean }> {
  const result = await db
    .update(etlRuns)
    .set({ heartbeatAt: new Date() })
    .where(and(eq(etlRuns.id, id), eq(etlRuns.status, "running")));
  if (affected(result) === 0) return { cancelRequested: false, superseded: true };
  const [row] = await db.select({ cancel: etlRuns.cancelRequested }).from(etlRuns).where(eq(etlRuns.id, id));
  return { cancelRequested: row?.cancel ?? false, superseded: false };
}

/** Ends an active run; false when it had already ended (nothing is written over it). */
export async function finishRun(db: Db, id: number, status: FinishedRunStatus, error?: string): Promise<boolean> {
  const result = await db
    .update(etlRuns)
    .set({ status, finishedAt: new Date(), heartbeatAt: new Date(), error: error ?? null })
    .where(and(eq(etlRuns.id, id), inArray(etlRuns.status, activeRunStatuses)));
  return affected(result) > 0;
}

export type TableProgress = Partial<Omit<typeof etlRunTables.$inferInsert, "runId" | "tableName">>;

export async function updateTable(db: Db, runId: number, table: string, values: TableProgress): Promise<void> {
  await db
    .update(etlRunTables)
    .set(values)
    .where(and(eq(etlRunTables.runId, runId), eq(etlRunTables.tableName, table)));
}

export interface RejectedLine {
  table: TableName;
  file: string;
  lineNumber: number;
  reason: string;
  line: string;
}

/** Keeps the first 2,000 characters of a rejected line: enough to see what is wrong with it. */
export async function recordRejects(db: Db, runId: number, rejects: RejectedLine[]): Promise<void> {
  if (rejects.length === 0) return;
  await db.insert(etlRejects).values(
    rejects.map((r) => ({
      runId,
      tableName: r.table,
      file: r.file,
      lineNumber: r.lineNumber,
      reason: r.reason.slice(0, 255),
      line: r.line.slice(0, 2000),
    })),
  );
}

/** One row of drift, as a verify run reports it: the IMDb key (and ordering), and the file's line if it has one. */
export interface DriftExample {
  kind: DriftKind;
  key: string;
  ordering: number | null;
  lineNumber: number | null;
}

/** What a verify found in one table: rows per kind, and the first examples in key order. */
export interface Drift {
  missing: number;
  differing: number;
  extra: number;
  examples: DriftExample[];
}

/** Saves what a verify found in one table: the counts beside the table's counters, the examples in etl_drift. */
export async function recordDrift(db: Db, runId: number, table: TableName, drift: Drift): Promise<void> {
  const { missing, differing, extra, examples } = drift;
  await updateTable(db, runId, table, { driftMissing: missing, driftDiffering: differing, driftExtra: extra });
  if (examples.length === 0) return;
  await db.insert(etlDrift).values(
    examples.map((e) => ({
      runId,
      tableName: table,
      kind: e.kind,
      imdbKey: e.key,
      ordering: e.ordering,
      lineNumber: e.lineNumber,
    })),
  );
}

/** The drift of a run's tables, by table; empty for a run that verified nothing (one query less while it runs). */
async function driftByTable(db: Db, id: number, tables: (typeof etlRunTables.$inferSelect)[]) {
  const found = new Map<string, Drift>();
  for (const t of tables) {
    if (t.driftMissing === null || t.driftDiffering === null || t.driftExtra === null) continue;
    found.set(t.tableName, { missing: t.driftMissing, differing: t.driftDiffering, extra: t.driftExtra, examples: [] });
  }
  if (found.size === 0) return found;
  const examples = await db.select().from(etlDrift).where(eq(etlDrift.runId, id)).orderBy(etlDrift.id);
  for (const e of examples) {
    found.get(e.tableName)?.examples.push({
      kind: e.kind,
      key: e.imdbKey,
      ordering: e.ordering,
      lineNumber: e.lineNumber,
    });
  }
  return found;
}

/** The summary of a run in the shape the CLI's --json and the HTTP API return. */
export async function runSummary(db: Db, id: number) {
  const [run] = await db.select().from(etlRuns).where(eq(etlRuns.id, id));
  if (!run) return undefined;
  const tables = await db.select().from(etlRunTables).where(eq(etlRunTables.runId, id)).orderBy(etlRunTables.tableName);
  const drift = await driftByTable(db, id, tables);
  return {
    id: run.id,
    mode: run.mode,
    repair: run.repair,
    source: run.source,
    trigger: run.trigger,
    status: run.status,
    createdAt: run.createdAt,
    startedAt: run.startedAt,
    finishedAt: run.finishedAt,
    error: run.error,
    tables: tables.map((t) => ({
      table: t.tableName,
      status: t.status,
      stage: t.stage,
      read: t.rowsRead,
      inserted: t.inserted,
      updated: t.updated,
      unchanged: t.unchanged,
      deleted: t.deleted,
      deletesWithheld: t.deletesWithheld,
      rejected: t.rejected,
      duplicates: t.duplicates,
      bytesRead: t.bytesRead,
      bytesTotal: t.bytesTotal,
      seconds: { download: t.secondsDownload, load: t.secondsLoad, apply: t.secondsApply, index: t.secondsIndex },
      message: t.message,
      error: t.error,
      /** What a verify run found (null for other runs, and for a table it did not finish). */
      drift: drift.get(t.tableName) ?? null,
    })),
  };
}

export type RunSummary = NonNullable<Awaited<ReturnType<typeof runSummary>>>;
