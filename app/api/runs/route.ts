import { requestIsAuthorized, unauthorized } from "@/lib/auth";
import { listRuns } from "@/lib/queries/runs";
import { ReplaceNotConfirmedError, SyncBusyError } from "@/lib/runs/errors";
import { startSync } from "@/lib/runs/service";
import { listRunsSchema, startRunSchema } from "./schema";

export const dynamic = "force-dynamic";

export async function POST(request: Request) {
  if (!requestIsAuthorized(request)) return unauthorized();
  const parsed = startRunSchema.safeParse(await request.json().catch(() => undefined));
  if (!parsed.success) return Response.json({ error: parsed.error.issues }, { status: 400 });
  try {
    return Response.json({ id: await startSync(parsed.data) }, { status: 202 });
  } catch (error) {
    if (error instanceof ReplaceNotConfirmedError) {
      return Response.json({ error: error.message, code: error.code, tables: error.tables }, { status: 428 });
    }
    if (!(error instanceof SyncBusyError)) throw error;
    return Response.json({ error: error.message, code: error.code, runId: error.runId }, { status: 409 });
  }
}

export async function GET(request: Request) {
  if (!requestIsAuthorized(request)) return unauthorized();
  const parsed = listRunsSchema.safeParse(Object.fromEntries(new URL(request.url).searchParams));
  if (!parsed.success) return Response.json({ error: parsed.error.issues }, { status: 400 });
  return Response.json(await listRuns(parsed.data));
}
