import { requestIsAuthorized } from "@/lib/auth";
import { getPool } from "@/lib/db";
import { ensureAnsweringNode, nodeName } from "@/lib/db/failover";

export const dynamic = "force-dynamic";

/**
 * Whether the console can reach its database (moving to another node of DATABASE_HOSTS if needed). Anyone may ask
 * and hears only `ok` or `down`; with a session or the token the answer also names the database node.
 */
export async function GET(request: Request) {
  const detailed = await requestIsAuthorized(request).catch(() => false);
  try {
    const url = await ensureAnsweringNode();
    await getPool(url).query("SELECT 1");
    return Response.json(detailed ? { status: "ok", database: "up", node: nodeName(url) } : { status: "ok" });
  } catch {
    return Response.json(detailed ? { status: "down", database: "down" } : { status: "down" }, { status: 503 });
  }
}
