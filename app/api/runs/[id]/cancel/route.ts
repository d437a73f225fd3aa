import { runIdSchema } from "@/lib/api/contract";
import { apiError, notFound, unauthorized } from "@/lib/api/errors";
import { requestIsAuthorized } from "@/lib/auth";
import { cancelSync } from "@/lib/runs/service";

export const dynamic = "force-dynamic";

export async function POST(request: Request, { params }: { params: Promise<{ id: string }> }) {
  if (!(await requestIsAuthorized(request))) return unauthorized();
  const id = runIdSchema.safeParse((await params).id);
  if (!id.success) return notFound("No such run.");
  if (!(await cancelSync(id.data))) return apiError("NOT_ACTIVE", "This run is not queued or running.");
  return Response.json({ id: id.data, cancelRequested: true }, { status: 202 });
}
