import { requestIsAuthorized, unauthorized } from "@/lib/auth";
import { cancelSync } from "@/lib/runs/service";
import { runIdSchema } from "../../schema";

export const dynamic = "force-dynamic";

export async function POST(request: Request, { params }: { params: Promise<{ id: string }> }) {
  if (!requestIsAuthorized(request)) return unauthorized();
  const id = runIdSchema.safeParse((await params).id);
  if (!id.success) return Response.json({ error: "No such run." }, { status: 404 });
  if (!(await cancelSync(id.data))) {
    return Response.json({ error: "This run is not queued or running." }, { status: 409 });
  }
  return Response.json({ id: id.data, cancelRequested: true }, { status: 202 });
}
