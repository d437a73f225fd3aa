import { type RunChangesResponse, runChangesSchema, runIdSchema } from "@/lib/api/contract";
import { badRequest, notFound, unauthorized } from "@/lib/api/errors";
import { requestIsAuthorized } from "@/lib/auth";
import { runChanges, runExists } from "@/lib/queries/history";

export const dynamic = "force-dynamic";

export async function GET(request: Request, { params }: { params: Promise<{ id: string }> }) {
  if (!(await requestIsAuthorized(request))) return unauthorized();
  const id = runIdSchema.safeParse((await params).id);
  if (!id.success || !(await runExists(id.data))) return notFound("No such run.");
  const filter = runChangesSchema.safeParse(Object.fromEntries(new URL(request.url).searchParams));
  if (!filter.success) return badRequest(filter.error);
  return Response.json((await runChanges(id.data, filter.data)) satisfies RunChangesResponse);
}
