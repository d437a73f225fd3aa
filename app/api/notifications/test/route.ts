import type { NotificationTestResponse } from "@/lib/api/contract";
import { apiRoute } from "@/lib/api/route";
import { sendTestNow } from "@/lib/notify";

export const dynamic = "force-dynamic";

/** Sends a test notification to every webhook now and answers with each outcome. */
export const POST = apiRoute({}, async () => ({ deliveries: await sendTestNow() }) satisfies NotificationTestResponse);
