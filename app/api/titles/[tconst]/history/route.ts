import { notFound, unauthorized } from "@/lib/api/errors";
import { requestIsAuthorized } from "@/lib/auth";
import { titleHistory } from "@/lib/queries/history";

export const dynamic = "force-dynamic";

export async function GET(request: Request, { params }: { params: Promise<{ tconst: string }> }) {
  if (!(await requestIsAuthorized(request))) return unauthorized();
  const history = await titleHistory((await params).tconst);
  return history ? Response.json(history) : notFound("Not a title key (tt followed by at least 7 digits).");
}
