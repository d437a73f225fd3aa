import { scheduleSchema } from "@/lib/api/contract";
import { apiRoute } from "@/lib/api/route";
import { currentSchedule, updateSchedule } from "@/lib/runs/service";

export const dynamic = "force-dynamic";

export const GET = apiRoute({}, () => currentSchedule());

export const PUT = apiRoute({ body: scheduleSchema }, ({ body }) => updateSchedule(body));
