import { listRunsSchema, type StartRunResponse, startRunSchema } from "@/lib/api/contract";
import { apiRoute } from "@/lib/api/route";
import { listRuns } from "@/lib/queries/runs";
import { startSync } from "@/lib/runs/service";

export const dynamic = "force-dynamic";

export const POST = apiRoute({ body: startRunSchema }, async ({ body }) =>
  Response.json({ id: await startSync(body) } satisfies StartRunResponse, { status: 202 }),
);

export const GET = apiRoute({ query: listRunsSchema }, ({ query }) => listRuns(query));
