/**
 * Runs once when the console's server starts: the database nodes are watched (lib/db/failover.ts) and the
 * stored sync schedule is run here (lib/runs/service.ts), so a console needs no separate scheduler process. Node.js runtime only; the proxy runs on the edge.
 */
export async function register() {
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  const { watchNodes } = await import("./lib/db/failover");
  watchNodes();
  const { startWebScheduler } = await import("./lib/runs/service");
  await startWebScheduler();
}
