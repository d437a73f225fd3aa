import { requestIsAuthorized } from "@/lib/auth";
import { databaseHealth } from "@/lib/queries/health";

export const dynamic = "force-dynamic";

/**
 * Whether the console can reach its database. Anyone may ask and hears only `ok` or `down`; with a session or
 * the token the answer also names the database node.
 */
export async function GET(request: Request) {
  const detailed = await requestIsAuthorized(request).catch(() => false);
  const health = await databaseHealth();
  if (!health.up) {
    return Response.json(detailed ? { status: "down", database: "down" } : { status: "down" }, { status: 503 });
  }
  return Response.json(detailed ? { status: "ok", database: "up", node: health.node } : { status: "ok" });
}
