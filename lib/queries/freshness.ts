/**
 * Whether IMDb has a newer file than the one last synced: a conditional HEAD request per file with the
 * ETag / Last-Modified remembered in etl_sources. Nothing is downloaded.
 */
import { etlSources } from "../../db/schema";
import { datasets, type TableName, tableNames } from "../catalog/datasets";
import { type Db, getDb } from "../db";
import { env } from "../env";
import { mirrorAge } from "../notify/staleness";

export type Freshness =
  | { table: TableName; state: "newer"; lastModified: string | null }
  | { table: TableName; state: "same"; lastModified: string | null }
  | { table: TableName; state: "unknown"; reason: string };

export async function imdbFreshness(db: Db, baseUrl: string, timeoutMs = 3000): Promise<Freshness[]> {
  const known = new Map((await db.select().from(etlSources)).map((s) => [s.file, s]));
  const base = baseUrl.endsWith("/") ? baseUrl : `${baseUrl}/`;
  return Promise.all(
    tableNames.map(async (table): Promise<Freshness> => {
      const spec = datasets[table];
      const url = new URL(spec.file, base).toString();
      const previous = known.get(spec.file);
      const headers: Record<string, string> = {};
      if (previous?.url === url && previous.etag) headers["if-none-match"] = previous.etag;
      if (previous?.url === url && previous.lastModified) headers["if-modified-since"] = previous.lastModified;
      try {
        const response = await fetch(url, { method: "HEAD", headers, signal: AbortSignal.timeout(timeoutMs) });
        const lastModified = response.headers.get("last-modified");
        if (response.status === 304) return { table, state: "same", lastModified: previous?.lastModified ?? null };
        if (!response.ok) return { table, state: "unknown", reason: `IMDb answered ${response.status}` };
        const etag = response.headers.get("etag");
        const same =
          previous?.url === url &&
          ((etag && etag === previous.etag) || (!etag && lastModified === previous.lastModified));
        return { table, state: same ? "same" : "newer", lastModified };
      } catch (error) {
        return { table, state: "unknown", reason: `IMDb could not be reached (${(error as Error).message})` };
      }
    }),
  );
}

/**
 * The answer of GET /api/imdb-status: IMDB_BASE_URL and each file's freshness there, and how old the mirror is
 * (its last successful sync, stale past STALE_AFTER_HOURS).
 */
export async function imdbStatus() {
  const db = getDb();
  const [files, age] = await Promise.all([imdbFreshness(db, env.IMDB_BASE_URL), mirrorAge(db)]);
  return {
    baseUrl: env.IMDB_BASE_URL,
    files,
    lastSuccessAt: age.lastSuccessAt?.toISOString() ?? null,
    stale: age.stale,
    staleAfterHours: age.staleAfterHours,
  };
}
