import type { ImdbStatusResponse } from "@/lib/api/contract";
import { unauthorized } from "@/lib/api/errors";
import { requestIsAuthorized } from "@/lib/auth";
import { imdbStatus } from "@/lib/queries/freshness";

export const dynamic = "force-dynamic";

/** Per IMDb file: "newer" (IMDb has a file the last sync did not load), "same", or "unknown" with why. */
export async function GET(request: Request) {
  if (!(await requestIsAuthorized(request))) return unauthorized();
  const body: ImdbStatusResponse = await imdbStatus();
  return Response.json(body);
}
