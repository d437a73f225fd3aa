import { searchSchema } from "@/lib/api/contract";
import { badRequest, unauthorized } from "@/lib/api/errors";
import { requestIsAuthorized } from "@/lib/auth";
import { search } from "@/lib/queries/search";

export const dynamic = "force-dynamic";

/** `GET /api/search?q=&limit=`: titles, people and characters (docs/search.md). */
export async function GET(request: Request) {
  if (!(await requestIsAuthorized(request))) return unauthorized();
  const parsed = searchSchema.safeParse(Object.fromEntries(new URL(request.url).searchParams));
  if (!parsed.success) return badRequest(parsed.error);
  const { q, limit, ...filters } = parsed.data;
  return Response.json(await search(q, limit, filters));
}
