import { runIdSchema } from "@/lib/api/contract";
import { apiError, notFound, unauthorized } from "@/lib/api/errors";
import { requester, requestIsAuthorized } from "@/lib/auth";
import { clientAddress } from "@/lib/auth/guard";
import { runEventStream, takeStreamSlot } from "@/lib/queries/run-events";

export const dynamic = "force-dynamic";

export async function GET(request: Request, { params }: { params: Promise<{ id: string }> }) {
  if (!(await requestIsAuthorized(request))) return unauthorized();
  const id = runIdSchema.safeParse((await params).id);
  if (!id.success) return notFound("No such run.");
  const release = takeStreamSlot(requester(request, clientAddress(request)));
  if (!release) return apiError("TOO_MANY_STREAMS", "Too many progress streams are open; close some pages.");
  return new Response(runEventStream(id.data, request.signal, release), {
    headers: {
      "content-type": "text/event-stream; charset=utf-8",
      "cache-control": "no-cache, no-transform",
      connection: "keep-alive",
      "x-accel-buffering": "no",
    },
  });
}
