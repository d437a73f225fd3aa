import { scheduleSchema } from "@/lib/api/contract";
import { badRequest, unauthorized } from "@/lib/api/errors";
import { requestIsAuthorized } from "@/lib/auth";
import { currentSchedule, updateSchedule } from "@/lib/runs/service";

export const dynamic = "force-dynamic";

export async function GET(request: Request) {
  if (!(await requestIsAuthorized(request))) return unauthorized();
  return Response.json(await currentSchedule());
}

export async function PUT(request: Request) {
  if (!(await requestIsAuthorized(request))) return unauthorized();
  const parsed = scheduleSchema.safeParse(await request.json().catch(() => undefined));
  if (!parsed.success) return badRequest(parsed.error);
  return Response.json(await updateSchedule(parsed.data));
}
