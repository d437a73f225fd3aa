import { unauthorized } from "@/lib/api/errors";
import { requestIsAuthorized } from "@/lib/auth";
import { checkQualityNow, latestQuality } from "@/lib/queries/quality";

export const dynamic = "force-dynamic";

/** The latest count of every data-quality check, with up to five of the missing keys each. */
export async function GET(request: Request) {
  if (!(await requestIsAuthorized(request))) return unauthorized();
  return Response.json(await latestQuality());
}

/** Counts every check again now (every row), and answers like GET. */
export async function POST(request: Request) {
  if (!(await requestIsAuthorized(request))) return unauthorized();
  return Response.json(await checkQualityNow());
}
