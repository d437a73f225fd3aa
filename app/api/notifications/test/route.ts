import type { NotificationTestResponse } from "@/lib/api/contract";
import { unauthorized } from "@/lib/api/errors";
import { requestIsAuthorized } from "@/lib/auth";
import { getDb } from "@/lib/db";
import { sendTest } from "@/lib/notify";

export const dynamic = "force-dynamic";

/** Sends a test notification to every webhook now and answers with each outcome. */
export async function POST(request: Request) {
  if (!(await requestIsAuthorized(request))) return unauthorized();
  return Response.json({ deliveries: await sendTest(getDb()) } satisfies NotificationTestResponse);
}
