/** What the overview shows: per table its row count and last sync, and changed rows across recent runs. */
import "server-only";
import { and, desc, eq, inArray, max, ne } from "drizzle-orm";
import { etlRuns, etlRunTables, finishedRunStatuses } from "@/db/schema";
import type { TableName } from "@/lib/catalog/datasets";
import { getDb, getPool } from "@/lib/db";
import { tableSummaries } from "@/lib/queries/tables";
import { readThrough } from "./read-cache";

export interface TableOverview {
  table: TableName;
  rows: number;
  lastSynced: Date | null;
}

/** Below this estimate a table is counted exactly (fast), so a fresh small load never shows 0 rows. */
const exactCountBelow = 200_000;

/**
 * Rows per table: the server's estimates (through the read cache: information_schema opens every table of the
 * schema), counted exactly below exactCountBelow, live (cheap there, and a table emptied by hand shows at once).
 */
async function rowCounts() {
  const estimates = await readThrough(getPool(), ["tableSummaries"], tableSummaries);
  return Promise.all(
    estimates.map(async (t) => {
      if (t.rows >= exactCountBelow) return t;
      const [rows] = await getPool().query(`SELECT COUNT(*) AS n FROM \`${t.table}\``);
      return { ...t, rows: Number((rows as { n: number }[])[0]?.n ?? 0) };
    }),
  );
}

/** When each table was last synced: the end of the newest run that synced it (a verify reads a table, no more). */
async function lastSynced() {
  return getDb()
    .select({ table: etlRunTables.tableName, at: max(etlRuns.finishedAt) })
    .from(etlRunTables)
    .innerJoin(etlRuns, eq(etlRuns.id, etlRunTables.runId))
    .where(and(eq(etlRunTables.status, "succeeded"), ne(etlRuns.mode, "verify")))
    .groupBy(etlRunTables.tableName);
}

export async function tableOverview(): Promise<TableOverview[]> {
  const [counts, synced] = await Promise.all([rowCounts(), readThrough(getPool(), ["lastSynced"], lastSynced)]);
  const last = new Map(synced.map((s) => [s.table, s.at ? new Date(s.at) : null]));
  return counts.map((c) => ({ ...c, lastSynced: last.get(c.table) ?? null }));
}

/**
 * One point per finished sync (oldest first; a verify changes nothing): rows inserted + updated + deleted, per
 * table. Through the read cache.
 */
export function changedRowsByRun(runs = 12): Promise<Record<string, number | string>[]> {
  return readThrough(getPool(), ["changedRowsByRun", runs], () => readChangedRowsByRun(runs));
}

async function readChangedRowsByRun(runs: number): Promise<Record<string, number | string>[]> {
  const db = getDb();
  const recent = await db
    .select({ id: etlRuns.id })
    .from(etlRuns)
    .where(and(inArray(etlRuns.status, finishedRunStatuses), ne(etlRuns.mode, "verify")))
    .orderBy(desc(etlRuns.id))
    .limit(runs);
  const ids = recent.map((r) => r.id).reverse();
  if (ids.length === 0) return [];
  const rows = await db.select().from(etlRunTables).where(inArray(etlRunTables.runId, ids));
  return ids.map((id) => {
    const point: Record<string, number | string> = { run: `#${id}` };
    for (const t of rows.filter((r) => r.runId === id)) point[t.tableName] = t.inserted + t.updated + t.deleted;
    return point;
  });
}
