import { unauthorized } from "@/lib/api/errors";
import { requestIsAuthorized } from "@/lib/auth";
import { metricsRegistry } from "@/lib/queries/metrics";

export const dynamic = "force-dynamic";

export async function GET(request: Request) {
  if (!(await requestIsAuthorized(request))) return unauthorized();
  const registry = metricsRegistry();
  return new Response(await registry.metrics(), { headers: { "content-type": registry.contentType } });
}
