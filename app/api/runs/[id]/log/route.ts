import { runIdParams } from "@/lib/api/contract";
import { notFound } from "@/lib/api/errors";
import { apiRoute } from "@/lib/api/route";
import { runExists } from "@/lib/queries/history";
import { runLog } from "@/lib/queries/run-log";

export const dynamic = "force-dynamic";

const noSuchRun = "No such run.";

/** The run's own log lines (the engine's, with their level), oldest first. */
export const GET = apiRoute({ params: { schema: runIdParams, notFound: noSuchRun } }, async ({ params }) => {
  if (!(await runExists(params.id))) return notFound(noSuchRun);
  return { runId: params.id, lines: await runLog(params.id) };
});
