import { runIdParams } from "@/lib/api/contract";
import { apiError } from "@/lib/api/errors";
import { apiRoute } from "@/lib/api/route";
import { cancelSync } from "@/lib/runs/service";

export const dynamic = "force-dynamic";

export const POST = apiRoute({ params: { schema: runIdParams, notFound: "No such run." } }, async ({ params }) => {
  if (!(await cancelSync(params.id))) return apiError("NOT_ACTIVE", "This run is not queued or running.");
  return Response.json({ id: params.id, cancelRequested: true }, { status: 202 });
});
