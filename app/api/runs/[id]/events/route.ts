import { requestIsAuthorized, unauthorized } from "@/lib/auth";
import { runEventStream } from "@/lib/queries/run-events";
import { runIdSchema } from "../../schema";

export const dynamic = "force-dynamic";

export async function GET(request: Request, { params }: { params: Promise<{ id: string }> }) {
  if (!requestIsAuthorized(request)) return unauthorized();
  const id = runIdSchema.safeParse((await params).id);
  if (!id.success) return Response.json({ error: "No such run." }, { status: 404 });
  return new Response(runEventStream(id.data, request.signal), {
    headers: {
      "content-type": "text/event-stream; charset=utf-8",
      "cache-control": "no-cache, no-transform",
      connection: "keep-alive",
      "x-accel-buffering": "no",
    },
  });
}
