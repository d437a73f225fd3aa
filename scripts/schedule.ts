/**
 * `npm run schedule`: runs an incremental sync from IMDb at every tick of SYNC_SCHEDULE (a cron
 * expression, e.g. "30 3 * * *" for 03:30 daily), with the same engine as the CLI and the console.
 * A tick that finds a sync still running is skipped and logged, never queued behind it.
 */
import { Cron } from "croner";
import { getDb } from "../lib/db";
import { migrateDatabase } from "../lib/db/migrate";
import { resolveDatabaseUrl } from "../lib/db/private-server";
import { env } from "../lib/env";
import { tableNames } from "../lib/etl/datasets";
import { executeRun } from "../lib/etl/pipeline";
import { logger } from "../lib/log";
import { createRun } from "../lib/runs/control";
import { SyncBusyError } from "../lib/runs/errors";

/** Starts one scheduled run; returns its id, or undefined when another sync is running. */
export async function runScheduledSync(databaseUrl: string): Promise<number | undefined> {
  try {
    const runId = await createRun(getDb(databaseUrl), {
      mode: "incremental",
      source: "imdb",
      tables: [...tableNames],
      trigger: "schedule",
    });
    const summary = await executeRun(databaseUrl, runId);
    logger().info({ runId, status: summary.status }, "scheduled sync finished");
    return runId;
  } catch (error) {
    if (error instanceof SyncBusyError) {
      logger().warn({ runId: error.runId }, "scheduled sync skipped: another sync is running");
      return undefined;
    }
    throw error;
  }
}

async function main() {
  const expression = process.argv[2] ?? env.SYNC_SCHEDULE;
  if (!expression)
    throw new Error('Set SYNC_SCHEDULE (cron, e.g. "30 3 * * *") or pass it: npm run schedule -- "30 3 * * *"');
  const url = await resolveDatabaseUrl();
  await migrateDatabase(url);
  const job = new Cron(expression, { protect: true }, async () => {
    await runScheduledSync(url).catch((error: Error) => logger().error({ err: error }, "scheduled sync failed"));
  });
  logger().info({ schedule: expression, next: job.nextRun()?.toISOString() }, "sync scheduler started");
}

if (process.argv[1]?.endsWith("scheduler.ts")) {
  main().catch((error: Error) => {
    console.error(`schedule: ${error.message}`);
    process.exit(2);
  });
}
