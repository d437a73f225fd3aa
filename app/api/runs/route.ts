import { listRunsSchema, type StartRunResponse, startRunSchema } from "@/lib/api/contract";
import { badRequest, errorResponse, unauthorized } from "@/lib/api/errors";
import { requestIsAuthorized } from "@/lib/auth";
import { listRuns } from "@/lib/queries/runs";
import { startSync } from "@/lib/runs/service";

export const dynamic = "force-dynamic";

export async function POST(request: Request) {
  if (!(await requestIsAuthorized(request))) return unauthorized();
  const parsed = startRunSchema.safeParse(await request.json().catch(() => undefined));
  if (!parsed.success) return badRequest(parsed.error);
  try {
    return Response.json({ id: await startSync(parsed.data) } satisfies StartRunResponse, { status: 202 });
  } catch (error) {
    return errorResponse(error);
  }
}

export async function GET(request: Request) {
  if (!(await requestIsAuthorized(request))) return unauthorized();
  const parsed = listRunsSchema.safeParse(Object.fromEntries(new URL(request.url).searchParams));
  if (!parsed.success) return badRequest(parsed.error);
  return Response.json(await listRuns(parsed.data));
}
