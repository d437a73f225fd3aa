import type { ImdbStatusResponse } from "@/lib/api/contract";
import { apiRoute } from "@/lib/api/route";
import { imdbStatus } from "@/lib/queries/freshness";

export const dynamic = "force-dynamic";

/** Per IMDb file: "newer" (IMDb has a file the last sync did not load), "same", or "unknown" with why. */
export const GET = apiRoute({}, async () => (await imdbStatus()) satisfies ImdbStatusResponse);
