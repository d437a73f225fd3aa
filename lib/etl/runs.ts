/**
 * A run is a state machine in `etl_runs` (queued → running → succeeded | failed | cancelled) with a
 * heartbeat; `etl_run_tables` holds its live per-table counters. One run at a time: a new run is
 * refused while another is queued or running with a fresh heartbeat; stale runs are failed first.
 */
import { and, desc, eq, inArray, lt, or, sql } from "drizzle-orm";
import { etlRejects, etlRuns, etlRunTables, type runModes } from "../../db/schema";
import type { Db } from "../db";
import type { TableName } from "./datasets";

export type RunMode = (typeof runModes)[number];
export type RunTrigger = "cli" | "web" | "schedule";

export interface NewRun {
  mode: RunMode;
  source: string;
  tables: TableName[];
  trigger: RunTrigger;
  forceDeletes?: boolean;
}

/** A heartbeat older than this means the process running the sync is gone. */
export const staleAfterMs = 60_000;

export class SyncBusyError extends Error {
  readonly code = "SYNC_BUSY";
  constructor(readonly runId: number) {
    super(`Sync #${runId} is still running; wait for it to finish or cancel it.`);
  }
}

/** Fails runs whose process died (no heartbeat for staleAfterMs) so they do not block new runs. */
export async function failStaleRuns(db: Db): Promise<void> {
  const cutoff = new Date(Date.now() - staleAfterMs);
  await db
    .update(etlRuns)
    .set({ status: "failed", finishedAt: new Date(), error: "The process running this sync stopped (no heartbeat)." })
    .where(
      and(
        inArray(etlRuns.status, ["queued", "running"]),
        or(lt(etlRuns.heartbeatAt, cutoff), and(sql`${etlRuns.heartbeatAt} IS NULL`, lt(etlRuns.createdAt, cutoff))),
      ),
    );
}

/** Records a queued run, or throws SyncBusyError when one is active. Serialised by a server lock. */
export async function createRun(db: Db, run: NewRun): Promise<number> {
  await failStaleRuns(db);
  return db.transaction(async (tx) => {
    const [locked] = await tx.execute(sql`SELECT GET_LOCK('imdb_sync_create_run', 10) AS ok`);
    if (!(locked as unknown as { ok: number }[])[0]?.ok) throw new Error("Could not take the run-creation lock.");
    try {
      const active = await tx
        .select({ id: etlRuns.id })
        .from(etlRuns)
        .where(inArray(etlRuns.status, ["queued", "running"]))
        .limit(1);
      if (active[0]) throw new SyncBusyError(active[0].id);
      const [result] = await tx.insert(etlRuns).values({
        mode: run.mode,
        source: run.source,
        trigger: run.trigger,
        tables: run.tables.join(","),
        forceDeletes: run.forceDeletes ?? false,
        status: "queued",
        heartbeatAt: new Date(),
      });
      const id = result.insertId;
      await tx.insert(etlRunTables).values(run.tables.map((tableName) => ({ runId: id, tableName })));
      return id;
    } finally {
      await tx.execute(sql`SELECT RELEASE_LOCK('imdb_sync_create_run')`);
    }
  });
}

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

export async function finishRun(db: Db, id: number, status: "succeeded" | "failed" | "cancelled", error?: string) {
  await db
    .update(etlRuns)
    .set({ status, finishedAt: new Date(), heartbeatAt: new Date(), error: error ?? null })
    .where(eq(etlRuns.id, id));
}

/** Asks a queued or running sync to stop; the engine notices at its next heartbeat. */
export async function requestCancel(db: Db, id: number): Promise<boolean> {
  const [result] = await db
    .update(etlRuns)
    .set({ cancelRequested: true })
    .where(and(eq(etlRuns.id, id), inArray(etlRuns.status, ["queued", "running"])));
  return result.affectedRows > 0;
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

export async function latestRuns(db: Db, limit = 20) {
  return db.select().from(etlRuns).orderBy(desc(etlRuns.id)).limit(limit);
}

/** The tables among `tables` that hold rows: a first build over them replaces their contents. */
export async function tablesWithData(db: Db, tables: TableName[]): Promise<TableName[]> {
  const found: TableName[] = [];
  for (const table of tables) {
    const [rows] = await db.execute(sql.raw(`SELECT EXISTS(SELECT 1 FROM \`${table}\`) AS has`));
    if ((rows as unknown as { has: number }[])[0]?.has) found.push(table);
  }
  return found;
}

/** A first build over tables that hold data was asked for without saying it may replace them. */
export class ReplaceNotConfirmedError extends Error {
  readonly code = "CONFIRM_REPLACE";
  constructor(readonly tables: TableName[]) {
    super(
      `A first build replaces the contents of tables that already hold data (${tables.join(", ")}). ` +
        "Confirm it (--replace on the command line, replace: true in the API), or run an incremental sync.",
    );
  }
}

/** Throws ReplaceNotConfirmedError when a first build would replace data nobody agreed to replace. */
export async function assertReplaceConfirmed(db: Db, run: Pick<NewRun, "mode" | "tables">, replace: boolean) {
  if (run.mode !== "first-run" || replace) return;
  const filled = await tablesWithData(db, run.tables);
  if (filled.length > 0) throw new ReplaceNotConfirmedError(filled);
}
