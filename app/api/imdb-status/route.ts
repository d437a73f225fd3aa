import type { ImdbStatusResponse } from "@/lib/api/contract";
import { unauthorized } from "@/lib/api/errors";
import { requestIsAuthorized } from "@/lib/auth";
import { getDb } from "@/lib/db";
import { env } from "@/lib/env";
import { imdbFreshness } from "@/lib/etl/freshness";
import { mirrorAge } from "@/lib/notify";

export const dynamic = "force-dynamic";

/**
 * Per IMDb file: "newer" (IMDb has a file the last sync did not load), "same", or "unknown" with why; and how
 * old the mirror is (its last successful sync, stale past STALE_AFTER_HOURS).
 */
export async function GET(request: Request) {
  if (!(await requestIsAuthorized(request))) return unauthorized();
  const [files, age] = await Promise.all([imdbFreshness(getDb(), env.IMDB_BASE_URL), mirrorAge(getDb())]);
  const body: ImdbStatusResponse = {
    baseUrl: env.IMDB_BASE_URL,
    files,
    lastSuccessAt: age.lastSuccessAt?.toISOString() ?? null,
    stale: age.stale,
    staleAfterHours: age.staleAfterHours,
  };
  return Response.json(body);
}
