import { requestIsAuthorized, unauthorized } from "@/lib/auth";
import { runById } from "@/lib/queries/runs";
import { runIdSchema } from "../schema";

export const dynamic = "force-dynamic";

export async function GET(request: Request, { params }: { params: Promise<{ id: string }> }) {
  if (!requestIsAuthorized(request)) return unauthorized();
  const id = runIdSchema.safeParse((await params).id);
  const run = id.success ? await runById(id.data) : undefined;
  if (!run) return Response.json({ error: "No such run." }, { status: 404 });
  return Response.json(run);
}
