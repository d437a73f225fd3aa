import { notificationSettingsSchema } from "@/lib/api/contract";
import { badRequest, unauthorized } from "@/lib/api/errors";
import { requestIsAuthorized } from "@/lib/auth";
import { getDb } from "@/lib/db";
import { notificationOverview, saveNotificationSettings } from "@/lib/notify";

export const dynamic = "force-dynamic";

export async function GET(request: Request) {
  if (!(await requestIsAuthorized(request))) return unauthorized();
  return Response.json(await notificationOverview(getDb()));
}

export async function PUT(request: Request) {
  if (!(await requestIsAuthorized(request))) return unauthorized();
  const parsed = notificationSettingsSchema.safeParse(await request.json().catch(() => undefined));
  if (!parsed.success) return badRequest(parsed.error);
  const db = getDb();
  await saveNotificationSettings(db, parsed.data);
  return Response.json(await notificationOverview(db));
}
