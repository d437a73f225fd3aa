/** What the overview shows: per table its row count and last sync, and changed rows across recent runs. */
import "server-only";
import { and, desc, eq, inArray, max, ne } from "drizzle-orm";
import { etlRuns, etlRunTables, finishedRunStatuses } from "@/db/schema";
import type { TableName } from "@/lib/catalog/datasets";
import { getDb, getPool } from "@/lib/db";
import { tableSummaries } from "@/lib/queries/tables";

export interface TableOverview {
  table: TableName;
  rows: number;
  lastSynced: Date | null;
}

/** Below this estimate a table is counted exactly (fast), so a fresh small load never shows 0 rows. */
const exactCountBelow = 200_000;

async function rowCounts() {
  const estimates = await tableSummaries();
  return Promise.all(
    estimates.map(async (t) => {
      if (t.rows >= exactCountBelow) return t;
      const [rows] = await getPool().query(`SELECT COUNT(*) AS n FROM \`${t.table}\``);
      return { ...t, rows: Number((rows as { n: number }[])[0]?.n ?? 0) };
    }),
  );
}

export async function tableOverview(): Promise<TableOverview[]> {
  const [counts, synced] = await Promise.all([
    rowCounts(),
    getDb()
      .select({ table: etlRunTables.tableName, at: max(etlRuns.finishedAt) })
      .from(etlRunTables)
      .innerJoin(etlRuns, eq(etlRuns.id, etlRunTables.runId))
      // A verify reads a table without syncing it.
      .where(and(eq(etlRunTables.status, "succeeded"), ne(etlRuns.mode, "verify")))
      .groupBy(etlRunTables.tableName),
  ]);
  const last = new Map(synced.map((s) => [s.table, s.at ? new Date(s.at) : null]));
  return counts.map((c) => ({ ...c, lastSynced: last.get(c.table) ?? null }));
}

/** One point per finished sync (oldest first; a verify changes nothing): rows inserted + updated + deleted, per table. */
export async function changedRowsByRun(runs = 12): Promise<Record<string, number | string>[]> {
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
