/**
 * The engine's record of a run beside its state (states.ts): the per-table counters kept live, rejected lines,
 * the drift a verify found, and the run summary, the shape the CLI's --json and the HTTP API return.
 */
import { and, eq } from "drizzle-orm";
import { type DriftKind, etlDrift, etlRejects, etlRuns, etlRunTables } from "../../db/schema";
import type { TableName } from "../catalog/datasets";
import type { Db } from "../db";

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
