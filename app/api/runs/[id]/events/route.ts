import { runIdParams } from "@/lib/api/contract";
import { apiError } from "@/lib/api/errors";
import { apiRoute } from "@/lib/api/route";
import { requester } from "@/lib/auth";
import { clientAddress } from "@/lib/auth/guard";
import { runEventStream, takeStreamSlot } from "@/lib/queries/run-events";

export const dynamic = "force-dynamic";

export const GET = apiRoute(
  { params: { schema: runIdParams, notFound: "No such run." } },
  async ({ request, params }) => {
    const release = takeStreamSlot(requester(request, clientAddress(request)));
    if (!release) return apiError("TOO_MANY_STREAMS", "Too many progress streams are open; close some pages.");
    return new Response(runEventStream(params.id, request.signal, release), {
      headers: {
        "content-type": "text/event-stream; charset=utf-8",
        "cache-control": "no-cache, no-transform",
        connection: "keep-alive",
        "x-accel-buffering": "no",
      },
    });
  },
);
