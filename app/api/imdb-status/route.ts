import type { ImdbStatusResponse } from "@/lib/api/contract";
import { unauthorized } from "@/lib/api/errors";
import { requestIsAuthorized } from "@/lib/auth";
import { getDb } from "@/lib/db";
import { env } from "@/lib/env";
import { imdbFreshness } from "@/lib/etl/freshness";

export const dynamic = "force-dynamic";

/** Per IMDb file: "newer" (IMDb has a file the last sync did not load), "same", or "unknown" with why. */
export async function GET(request: Request) {
  if (!(await requestIsAuthorized(request))) return unauthorized();
  const body: ImdbStatusResponse = {
    baseUrl: env.IMDB_BASE_URL,
    files: await imdbFreshness(getDb(), env.IMDB_BASE_URL),
  };
  return Response.json(body);
}
