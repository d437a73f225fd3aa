/**
 * Runs a schedule in this process: a croner job per expression, re-read from the database every few seconds
 * so an edit made on any instance takes effect on all of them. At each tick the process claims the tick
 * (lib/runs/schedule.ts); the one that wins starts the run, or records the tick as skipped when a run is
 * active (never queued behind it) or as failed with the reason.
 */
import { Cron } from "croner";
import type { Db } from "../db";
import { logger } from "../log";
import { notifyScheduleFailed } from "../notify";
import { checkStale } from "../notify/staleness";
import { SyncBusyError } from "./errors";
import { claimTick, dueTick, readSchedule, recordFiring, type Schedule, type ScheduleKey } from "./schedule";

/** Starts the run a tick asks for and returns its id (createRun's SyncBusyError when one is active). */
export type StartScheduledRun = (schedule: Schedule) => Promise<number>;

export interface SchedulerOptions {
  /** The database, asked for at each use: after a failover (lib/db/failover.ts) it is another node's. */
  db: () => Db;
  start: StartScheduledRun;
  /** How often the stored schedule is re-read (not with a fixed schedule) and staleness checked. */
  pollMs: number;
  /** A schedule given by the caller (`npm run schedule -- "<expression>"`) instead of the stored one. */
  fixed?: Schedule;
  /** Past this many hours without a successful sync, `mirror.stale` is sent (once per stale period). */
  staleAfterHours?: number;
}

export class Scheduler {
  private job: Cron | undefined;
  private current = "";
  private poll: NodeJS.Timeout | undefined;
  private readonly key: ScheduleKey;

  constructor(private readonly options: SchedulerOptions) {
    this.key = options.fixed ? "cli" : "console";
  }

  /**
   * Reads the schedule and starts polling it. A database that cannot be read yet is logged, not thrown: the
   * poll tries again, and the console starts either way.
   */
  async start(): Promise<void> {
    this.poll = setInterval(() => void this.refreshOrLog(), this.options.pollMs);
    this.poll.unref();
    await this.refreshOrLog();
  }

  private async refreshOrLog(): Promise<void> {
    // A fixed schedule is not read from the database, but it too starts its timer here (at the first call).
    await this.refresh().catch((error: Error) =>
      logger().warn({ err: error }, "schedule: could not read the schedule"),
    );
    await this.checkStale();
  }

  /** Whether the mirror went stale: the first process to notice sends `mirror.stale`, once per stale period. */
  private async checkStale(): Promise<void> {
    if (this.options.staleAfterHours === undefined) return;
    await checkStale(this.options.db(), this.options.staleAfterHours).catch((error: Error) =>
      logger().warn({ err: error }, "schedule: could not check whether the mirror is stale"),
    );
  }

  stop(): void {
    clearInterval(this.poll);
    this.job?.stop();
    this.job = undefined;
  }

  /** The next time this process will fire, if any. */
  nextRun(): Date | null {
    return this.job?.nextRun() ?? null;
  }

  /** Applies the stored schedule if it changed (called after a save, and by the poll). */
  async refresh(): Promise<void> {
    const schedule = this.options.fixed ?? (await readSchedule(this.options.db()));
    const signature = JSON.stringify(schedule);
    if (signature === this.current) return;
    this.current = signature;
    this.job?.stop();
    this.job = undefined;
    if (!schedule.enabled) return;
    this.job = new Cron(schedule.cron, { timezone: schedule.timezone, unref: true }, (self: Cron) => {
      void this.fire(schedule, dueTick(self, new Date()));
    });
    logger().info({ cron: schedule.cron, timezone: schedule.timezone, next: this.job.nextRun() }, "schedule active");
  }

  /** One tick: claimed by one process, which starts the run or records why it did not. */
  async fire(schedule: Schedule, dueAt: Date): Promise<void> {
    const db = this.options.db();
    const { start } = this.options;
    const log = logger().child({ dueAt: dueAt.toISOString() });
    try {
      const firingId = await claimTick(db, this.key, dueAt);
      if (firingId === undefined) return;
      try {
        const runId = await start(schedule);
        await recordFiring(db, firingId, "started", runId);
        log.info({ runId }, "scheduled sync started");
      } catch (error) {
        if (error instanceof SyncBusyError) {
          await recordFiring(db, firingId, "skipped", error.runId, `Skipped: run ${error.runId} was active.`);
          log.warn({ runId: error.runId }, "scheduled sync skipped: another sync is active");
        } else {
          await recordFiring(db, firingId, "failed", undefined, (error as Error).message);
          log.error({ err: error }, "scheduled sync could not start");
          notifyScheduleFailed(db, dueAt, (error as Error).message);
        }
      }
    } catch (error) {
      log.error({ err: error }, "schedule: could not record a tick");
    }
  }
}
