import { notificationSettingsSchema } from "@/lib/api/contract";
import { apiRoute } from "@/lib/api/route";
import { currentNotifications, updateNotifications } from "@/lib/notify";

export const dynamic = "force-dynamic";

export const GET = apiRoute({}, () => currentNotifications());

export const PUT = apiRoute({ body: notificationSettingsSchema }, ({ body }) => updateNotifications(body));
