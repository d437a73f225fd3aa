/** Whether the console reaches its database, moving to another node of DATABASE_HOSTS if needed (GET /api/health). */
import "server-only";
import { getPool } from "@/lib/db";
import { ensureAnsweringNode, nodeName } from "@/lib/db/failover";

export async function databaseHealth(): Promise<{ up: true; node: string } | { up: false }> {
  try {
    const url = await ensureAnsweringNode();
    await getPool(url).query("SELECT 1");
    return { up: true, node: nodeName(url) };
  } catch {
    return { up: false };
  }
}
