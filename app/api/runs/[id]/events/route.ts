import { runIdSchema } from "@/lib/api/contract";
import { notFound, unauthorized } from "@/lib/api/errors";
import { requestIsAuthorized } from "@/lib/auth";
import { runEventStream } from "@/lib/queries/run-events";

export const dynamic = "force-dynamic";

export async function GET(request: Request, { params }: { params: Promise<{ id: string }> }) {
  if (!requestIsAuthorized(request)) return unauthorized();
  const id = runIdSchema.safeParse((await params).id);
  if (!id.success) return notFound("No such run.");
  return new Response(runEventStream(id.data, request.signal), {
    headers: {
      "content-type": "text/event-stream; charset=utf-8",
      "cache-control": "no-cache, no-transform",
      connection: "keep-alive",
      "x-accel-buffering": "no",
    },
  });
}
