import { runIdSchema } from "@/lib/api/contract";
import { notFound, unauthorized } from "@/lib/api/errors";
import { requestIsAuthorized } from "@/lib/auth";
import { runExists } from "@/lib/queries/history";
import { runLog } from "@/lib/queries/run-log";

export const dynamic = "force-dynamic";

/** The run's own log lines (the engine's, with their level), oldest first. */
export async function GET(request: Request, { params }: { params: Promise<{ id: string }> }) {
  if (!(await requestIsAuthorized(request))) return unauthorized();
  const id = runIdSchema.safeParse((await params).id);
  if (!id.success || !(await runExists(id.data))) return notFound("No such run.");
  return Response.json({ runId: id.data, lines: await runLog(id.data) });
}
