/** Run history and run detail for the console and the API. */
import "server-only";
import { type AnyColumn, and, count, desc, eq, inArray, sql } from "drizzle-orm";
import { activeRunStatuses, etlRejects, etlRuns, etlRunTables, type RunMode, type RunStatus } from "@/db/schema";
import { getDb } from "@/lib/db";
import { runSummary } from "@/lib/run-record/record";

export type { RunStatus };

export interface RunFilter {
  status?: RunStatus;
  mode?: RunMode;
  page: number;
  pageSize: number;
}

export interface RunRow {
  id: number;
  mode: RunMode;
  repair: boolean;
  source: string;
  trigger: string;
  status: RunStatus;
  createdAt: Date;
  startedAt: Date | null;
  finishedAt: Date | null;
  inserted: number;
  updated: number;
  deleted: number;
  rejected: number;
  /** Rows a verify found differing from the files, summed over tables; null for other runs. */
  drift: number | null;
}

/** One page of runs, newest first, with their counters summed over tables, and how many runs match. */
export async function listRuns(filter: RunFilter): Promise<{ runs: RunRow[]; total: number }> {
  const db = getDb();
  const where = and(
    filter.status ? eq(etlRuns.status, filter.status) : undefined,
    filter.mode ? eq(etlRuns.mode, filter.mode) : undefined,
  );
  const [page, [totalRow]] = await Promise.all([
    db
      .select({ id: etlRuns.id })
      .from(etlRuns)
      .where(where)
      .orderBy(desc(etlRuns.id))
      .limit(filter.pageSize)
      .offset((filter.page - 1) * filter.pageSize),
    db.select({ n: count() }).from(etlRuns).where(where),
  ]);
  const ids = page.map((r) => r.id);
  if (ids.length === 0) return { runs: [], total: totalRow?.n ?? 0 };
  const sum = (column: AnyColumn) => sql<number>`CAST(COALESCE(SUM(${column}), 0) AS UNSIGNED)`;
  // NULL for tables no verify finished, so a run that verified nothing sums to NULL, not 0.
  const { driftMissing, driftDiffering, driftExtra } = etlRunTables;
  const driftRows = sql`${driftMissing} + ${driftDiffering} + ${driftExtra}`;
  const rows = await db
    .select({
      id: etlRuns.id,
      mode: etlRuns.mode,
      repair: etlRuns.repair,
      source: etlRuns.source,
      trigger: etlRuns.trigger,
      status: etlRuns.status,
      createdAt: etlRuns.createdAt,
      startedAt: etlRuns.startedAt,
      finishedAt: etlRuns.finishedAt,
      inserted: sum(etlRunTables.inserted),
      updated: sum(etlRunTables.updated),
      deleted: sum(etlRunTables.deleted),
      rejected: sum(etlRunTables.rejected),
      drift: sql<number | null>`CAST(SUM(${driftRows}) AS UNSIGNED)`,
    })
    .from(etlRuns)
    .leftJoin(etlRunTables, eq(etlRunTables.runId, etlRuns.id))
    .where(inArray(etlRuns.id, ids))
    .groupBy(etlRuns.id)
    .orderBy(desc(etlRuns.id));
  const runs = rows.map((r) => ({
    ...r,
    inserted: Number(r.inserted),
    updated: Number(r.updated),
    deleted: Number(r.deleted),
    rejected: Number(r.rejected),
    drift: r.drift === null ? null : Number(r.drift),
  }));
  return { runs, total: totalRow?.n ?? 0 };
}

/** The run that is queued or running, if any. */
export async function activeRunId(): Promise<number | undefined> {
  const [row] = await getDb()
    .select({ id: etlRuns.id })
    .from(etlRuns)
    .where(inArray(etlRuns.status, activeRunStatuses))
    .orderBy(desc(etlRuns.id))
    .limit(1);
  return row?.id;
}

export function runById(id: number) {
  return runSummary(getDb(), id);
}

export const rejectsPageSize = 100;

/** The first rejected lines of a run (in line order per table) and how many there are in all. */
export async function runRejects(id: number) {
  const db = getDb();
  const [rows, [total]] = await Promise.all([
    db
      .select()
      .from(etlRejects)
      .where(eq(etlRejects.runId, id))
      .orderBy(etlRejects.tableName, etlRejects.lineNumber)
      .limit(rejectsPageSize),
    db.select({ n: count() }).from(etlRejects).where(eq(etlRejects.runId, id)),
  ]);
  return { rows, total: total?.n ?? 0 };
}
