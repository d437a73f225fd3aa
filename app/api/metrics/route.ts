import { apiRoute } from "@/lib/api/route";
import { metricsRegistry } from "@/lib/queries/metrics";

export const dynamic = "force-dynamic";

export const GET = apiRoute({}, async () => {
  const registry = metricsRegistry();
  return new Response(await registry.metrics(), { headers: { "content-type": registry.contentType } });
});
