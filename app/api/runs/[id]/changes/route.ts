import { type RunChangesResponse, runChangesSchema, runIdParams } from "@/lib/api/contract";
import { notFound } from "@/lib/api/errors";
import { apiRoute } from "@/lib/api/route";
import { runChanges, runExists } from "@/lib/queries/history";

export const dynamic = "force-dynamic";

const noSuchRun = "No such run.";

export const GET = apiRoute(
  { params: { schema: runIdParams, notFound: noSuchRun }, query: runChangesSchema },
  async ({ params, query }) => {
    if (!(await runExists(params.id))) return notFound(noSuchRun);
    return (await runChanges(params.id, query)) satisfies RunChangesResponse;
  },
);
