/**
 * `npm run schedule [-- "<cron>"]`: runs syncs on a schedule in this process, with the same engine as the CLI
 * and the console. Without an expression (and without SYNC_SCHEDULE) it runs the schedule stored on the
 * console's settings page, re-read every SCHEDULE_POLL_SECONDS; with one, an incremental sync from IMDb at
 * every tick. Either way a tick fires once across every process and console instance on the database, and a
 * tick that finds a sync active is skipped and recorded (Settings → Recent ticks), never queued behind it.
 */
import { getDb } from "../lib/db";
import { migrateDatabase } from "../lib/db/migrate";
import { resolveDatabaseUrl } from "../lib/db/private-server";
import { env } from "../lib/env";
import { executeRun } from "../lib/etl/pipeline";
import { logger } from "../lib/log";
import { queueRun } from "../lib/runs/queue";
import { defaultSchedule, type Schedule, scheduleProblem } from "../lib/runs/schedule";
import { Scheduler } from "../lib/runs/scheduler";

/** The schedule given on the command line or in SYNC_SCHEDULE, or undefined for the stored one. */
function fixedSchedule(expression: string | undefined): Schedule | undefined {
  if (!expression) return undefined;
  const schedule: Schedule = {
    ...defaultSchedule,
    enabled: true,
    cron: expression,
    timezone: Intl.DateTimeFormat().resolvedOptions().timeZone,
  };
  const problem = scheduleProblem(schedule.cron, schedule.timezone);
  if (problem) throw new Error(problem);
  return schedule;
}

async function main() {
  const fixed = fixedSchedule(process.argv[2] ?? env.SYNC_SCHEDULE);
  const url = await resolveDatabaseUrl();
  await migrateDatabase(url);
  const db = getDb(url);
  const scheduler = new Scheduler({
    db: () => db,
    fixed,
    pollMs: env.SCHEDULE_POLL_SECONDS * 1000,
    staleAfterHours: env.STALE_AFTER_HOURS,
    // The run executes in this process; the tick returns once it is queued, so a later tick that finds it
    // still running is recorded as skipped.
    start: async (schedule) => {
      const { mode, source, tables } = schedule;
      const { runId } = await queueRun(url, { mode, source, tables, trigger: "schedule" }, (id) => {
        executeRun(url, id)
          .then((summary) => logger().info({ runId: id, status: summary.status }, "scheduled sync finished"))
          .catch((error: Error) => logger().error({ err: error, runId: id }, "scheduled sync failed"));
      });
      return runId;
    },
  });
  await scheduler.start();
  // The scheduler's timers do not keep the process alive by themselves: this one does, until a signal.
  setInterval(() => {}, 1 << 30);
  const next = scheduler.nextRun();
  console.log(
    fixed
      ? `schedule: "${fixed.cron}" (${fixed.timezone}), next ${next?.toISOString() ?? "never"}`
      : `schedule: the stored schedule (Settings page), next ${next?.toISOString() ?? "none while it is off"}; re-read every ${env.SCHEDULE_POLL_SECONDS} s`,
  );
}

main().catch((error: Error) => {
  console.error(`schedule: ${error.message}`);
  process.exit(2);
});
