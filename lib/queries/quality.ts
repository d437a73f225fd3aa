/**
 * Read model of the data-quality checks (lib/quality/checks.ts): the latest count of each check with its examples,
 * and each check's counts over the last runs, for `GET /api/quality`, the Quality page and the metrics.
 */
import "server-only";
import { desc, inArray, isNotNull, max } from "drizzle-orm";
import { etlQualityResults } from "@/db/schema";
import { getDb, getPool } from "@/lib/db";
import { onDemandUpTo, qualityChecks, runQualityChecks } from "@/lib/quality/checks";

export interface QualityCheckResult {
  name: string;
  description: string;
  rows: number;
  examples: string[];
  method: string;
  seconds: number;
}

export interface QualityReport {
  /** When the checks last ran (null: never). */
  checkedAt: Date | null;
  /** The run they followed (null: on demand, or never). */
  runId: number | null;
  checks: QualityCheckResult[];
}

/** The newest result of every check. */
export async function latestQuality(): Promise<QualityReport> {
  const db = getDb();
  const newest = await db
    .select({ id: max(etlQualityResults.id) })
    .from(etlQualityResults)
    .groupBy(etlQualityResults.checkName);
  const ids = newest.map((r) => r.id).filter((id): id is number => id !== null);
  const rows = ids.length ? await db.select().from(etlQualityResults).where(inArray(etlQualityResults.id, ids)) : [];
  const byName = new Map(rows.map((r) => [r.checkName, r]));
  const latest = rows.reduce<(typeof rows)[number] | undefined>((a, r) => (a && a.id > r.id ? a : r), undefined);
  return {
    checkedAt: latest?.checkedAt ?? null,
    runId: latest?.runId ?? null,
    checks: qualityChecks.flatMap((c) => {
      const r = byName.get(c.name);
      if (!r) return [];
      return [
        {
          name: c.name,
          description: c.description,
          rows: r.rows,
          examples: JSON.parse(r.examples) as string[],
          method: r.method,
          seconds: r.seconds,
        },
      ];
    }),
  };
}

export interface QualityPoint {
  runId: number;
  checkedAt: Date;
  counts: Record<string, number>;
}

/** Each check's count after the last `runs` runs that were checked, oldest first. */
export async function qualityHistory(runs = 20): Promise<QualityPoint[]> {
  const db = getDb();
  const recent = await db
    .selectDistinct({ runId: etlQualityResults.runId })
    .from(etlQualityResults)
    .where(isNotNull(etlQualityResults.runId))
    .orderBy(desc(etlQualityResults.runId))
    .limit(runs);
  const ids = recent.map((r) => r.runId).filter((id): id is number => id !== null);
  if (ids.length === 0) return [];
  const rows = await db.select().from(etlQualityResults).where(inArray(etlQualityResults.runId, ids));
  const points = new Map<number, QualityPoint>();
  for (const r of rows) {
    if (r.runId === null) continue;
    const point = points.get(r.runId) ?? { runId: r.runId, checkedAt: r.checkedAt, counts: {} };
    point.counts[r.checkName] = r.rows;
    if (r.checkedAt > point.checkedAt) point.checkedAt = r.checkedAt;
    points.set(r.runId, point);
  }
  return [...points.values()].sort((a, b) => a.runId - b.runId);
}

/** Counts every check again now, in full (the "Check now" button, `POST /api/quality`). */
export async function checkQualityNow(): Promise<QualityReport> {
  const pool = getPool();
  await runQualityChecks(pool, { runId: null, upTo: await onDemandUpTo(pool), full: true });
  return latestQuality();
}

/** The description of each check, for the page. */
export const qualityCheckList = qualityChecks.map((c) => ({
  name: c.name,
  description: c.description,
  table: c.child,
}));
