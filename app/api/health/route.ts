import { getPool } from "@/lib/db";
import { ensureAnsweringNode, nodeName } from "@/lib/db/failover";

export const dynamic = "force-dynamic";

/** Public: whether the console can reach its database (moving to another node of DATABASE_HOSTS if needed). */
export async function GET() {
  try {
    const url = await ensureAnsweringNode();
    await getPool(url).query("SELECT 1");
    return Response.json({ status: "ok", database: "up", node: nodeName(url) });
  } catch {
    return Response.json({ status: "error", database: "down" }, { status: 503 });
  }
}
