import { apiRoute } from "@/lib/api/route";
import { checkQualityNow, latestQuality } from "@/lib/queries/quality";

export const dynamic = "force-dynamic";

/** The latest count of every data-quality check, with up to five of the missing keys each. */
export const GET = apiRoute({}, () => latestQuality());

/** Counts every check again now (every row), and answers like GET. */
export const POST = apiRoute({}, () => checkQualityNow());
