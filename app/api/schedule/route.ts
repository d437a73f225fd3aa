import { scheduleSchema } from "@/lib/api/contract";
import { badRequest, unauthorized } from "@/lib/api/errors";
import { requestIsAuthorized } from "@/lib/auth";
import { getDb } from "@/lib/db";
import { saveSchedule, scheduleOverview } from "@/lib/runs/schedule";
import { refreshWebScheduler } from "@/lib/runs/service";

export const dynamic = "force-dynamic";

export async function GET(request: Request) {
  if (!(await requestIsAuthorized(request))) return unauthorized();
  return Response.json(await scheduleOverview(getDb()));
}

export async function PUT(request: Request) {
  if (!(await requestIsAuthorized(request))) return unauthorized();
  const parsed = scheduleSchema.safeParse(await request.json().catch(() => undefined));
  if (!parsed.success) return badRequest(parsed.error);
  const db = getDb();
  await saveSchedule(db, parsed.data);
  await refreshWebScheduler();
  return Response.json(await scheduleOverview(db));
}
