/**
 * The engine's record of a run in `etl_runs` / `etl_run_tables` / `etl_rejects`: it marks the run running,
 * beats its heart, keeps the per-table counters live, saves rejected lines and finishes the run. The run
 * summary read here is the shape the CLI's --json and the HTTP API return.
 */
import { and, eq } from "drizzle-orm";
import { etlRejects, etlRuns, etlRunTables, type FinishedRunStatus } from "../../db/schema";
import type { Db } from "../db";
import type { TableName } from "./datasets";

export async function markRunning(db: Db, id: number): Promise<void> {
  await db
    .update(etlRuns)
    .set({ status: "running", startedAt: new Date(), heartbeatAt: new Date() })
    .where(eq(etlRuns.id, id));
}

/** Records the heartbeat and tells whether someone asked to cancel the run. */
export async function heartbeat(db: Db, id: number): Promise<{ cancelRequested: boolean }> {
  await db.update(etlRuns).set({ heartbeatAt: new Date() }).where(eq(etlRuns.id, id));
  const [row] = await db.select({ cancel: etlRuns.cancelRequested }).from(etlRuns).where(eq(etlRuns.id, id));
  return { cancelRequested: row?.cancel ?? false };
}

export async function finishRun(db: Db, id: number, status: FinishedRunStatus, error?: string) {
  await db
    .update(etlRuns)
    .set({ status, finishedAt: new Date(), heartbeatAt: new Date(), error: error ?? null })
    .where(eq(etlRuns.id, id));
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

/** The summary of a run in the shape the CLI's --json and the HTTP API return. */
export async function runSummary(db: Db, id: number) {
  const [run] = await db.select().from(etlRuns).where(eq(etlRuns.id, id));
  if (!run) return undefined;
  const tables = await db.select().from(etlRunTables).where(eq(etlRunTables.runId, id)).orderBy(etlRunTables.tableName);
  return {
    id: run.id,
    mode: run.mode,
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
    })),
  };
}

export type RunSummary = NonNullable<Awaited<ReturnType<typeof runSummary>>>;
