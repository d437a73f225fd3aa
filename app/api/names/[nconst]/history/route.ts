import { notFound, unauthorized } from "@/lib/api/errors";
import { requestIsAuthorized } from "@/lib/auth";
import { nameHistory } from "@/lib/queries/history";

export const dynamic = "force-dynamic";

export async function GET(request: Request, { params }: { params: Promise<{ nconst: string }> }) {
  if (!(await requestIsAuthorized(request))) return unauthorized();
  const history = await nameHistory((await params).nconst);
  return history ? Response.json(history) : notFound("Not a person's key (nm followed by at least 7 digits).");
}
