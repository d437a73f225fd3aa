import { runIdSchema } from "@/lib/api/contract";
import { notFound, unauthorized } from "@/lib/api/errors";
import { requestIsAuthorized } from "@/lib/auth";
import { runById } from "@/lib/queries/runs";

export const dynamic = "force-dynamic";

export async function GET(request: Request, { params }: { params: Promise<{ id: string }> }) {
  if (!(await requestIsAuthorized(request))) return unauthorized();
  const id = runIdSchema.safeParse((await params).id);
  const run = id.success ? await runById(id.data) : undefined;
  return run ? Response.json(run) : notFound("No such run.");
}
