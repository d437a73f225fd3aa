import { runIdParams } from "@/lib/api/contract";
import { notFound } from "@/lib/api/errors";
import { apiRoute } from "@/lib/api/route";
import { runById } from "@/lib/queries/runs";

export const dynamic = "force-dynamic";

const noSuchRun = "No such run.";

export const GET = apiRoute(
  { params: { schema: runIdParams, notFound: noSuchRun } },
  async ({ params }) => (await runById(params.id)) ?? notFound(noSuchRun),
);
