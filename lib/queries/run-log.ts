/** A run's own log lines (etl_run_log), oldest first, for the run page and `GET /api/runs/:id/log`. */
import "server-only";
import { asc, eq } from "drizzle-orm";
import { etlRunLog } from "@/db/schema";
import { getDb } from "@/lib/db";

export interface RunLogLine {
  at: Date;
  level: string;
  table: string | null;
  message: string;
  details: Record<string, unknown> | null;
}

export async function runLog(runId: number): Promise<RunLogLine[]> {
  const rows = await getDb().select().from(etlRunLog).where(eq(etlRunLog.runId, runId)).orderBy(asc(etlRunLog.id));
  return rows.map((r) => ({
    at: r.at,
    level: r.level,
    table: r.tableName,
    message: r.message,
    details: r.details ? (JSON.parse(r.details) as Record<string, unknown>) : null,
  }));
}
