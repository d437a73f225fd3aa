/**
 * Starts syncs for the web console: queues the run (queueRun: one at a time, enforced by createRun) and runs
 * the engine in a worker thread so the request answers at once. The engine keeps etl_runs and etl_run_tables
 * up to date itself; this module only makes sure a worker that dies without a word fails its run.
 */
import { engineWorkerLimits } from "../etl/engine-memory";
import "server-only";
import { Worker } from "node:worker_threads";
import { databaseUrl, getDb } from "../db";
import { ensureAnsweringNode } from "../db/failover";
import { env } from "../env";
import { logger } from "../log";
import { notifyRunEnd } from "../notify";
import { finishRun, type RunTrigger, requestCancel } from "../run-record/states";
import { queueRun, type RunRequest } from "./queue";
import { type Schedule, type ScheduleOverview, saveSchedule, scheduleOverview } from "./schedule";
import { Scheduler } from "./scheduler";

export type StartSync = Omit<RunRequest, "trigger">;

const cache = globalThis as unknown as { imdbWorkers?: Map<number, Worker>; imdbScheduler?: Scheduler };
cache.imdbWorkers ??= new Map();
const workers = cache.imdbWorkers;

/**
 * Queues a run and starts its worker. Throws SyncBusyError while another run is queued or running, and
 * ReplaceNotConfirmedError for a first build over tables with data that was not confirmed (replace: true).
 */
export async function startSync(request: StartSync, trigger: RunTrigger = "web"): Promise<number> {
  const url = databaseUrl();
  const { runId } = await queueRun(url, { ...request, trigger }, (id) => executeInWorker(url, id));
  return runId;
}

/** Executes a queued run in a worker thread, so the request answers at once; a worker that dies fails its run. */
function executeInWorker(url: string, runId: number): void {
  const worker = new Worker(new URL("../etl/worker.ts", import.meta.url), {
    workerData: { databaseUrl: url, runId },
    resourceLimits: engineWorkerLimits,
  });
  workers.set(runId, worker);
  let settled = false;
  const fail = async (message: string) => {
    if (settled) return;
    settled = true;
    logger().error({ runId, message }, "sync worker failed");
    // finishRun only ends a run that is still queued or running (guarded in SQL). Through a node that
    // answers: the worker may have failed because its node stopped answering.
    const recordOn = getDb(await ensureAnsweringNode().catch(() => url));
    // Whoever records a run's end notifies it, once: here only when the worker could not record it itself.
    if (await finishRun(recordOn, runId, "failed", message).catch(() => false)) notifyRunEnd(recordOn, runId);
  };
  worker.on("message", (message: { type: string; message?: string }) => {
    if (message.type === "done") settled = true;
    else if (message.type === "error") void fail(message.message ?? "The sync worker failed.");
  });
  worker.on("error", (error) => void fail(error.message));
  worker.on("exit", (code) => {
    workers.delete(runId);
    if (!settled) void fail(`The sync worker stopped (exit code ${code}).`);
  });
}

/** Asks a queued or running run to stop; false when it is not active. */
export function cancelSync(runId: number): Promise<boolean> {
  return requestCancel(getDb(), runId);
}

/**
 * Runs the stored schedule in this web server (started once, from instrumentation.ts): its ticks start runs
 * in worker threads like the console's buttons. Every instance may run it; each tick fires once.
 */
export async function startWebScheduler(): Promise<Scheduler | undefined> {
  if (env.CONSOLE_SCHEDULER === "off") return undefined;
  cache.imdbScheduler ??= new Scheduler({
    db: () => getDb(),
    pollMs: env.SCHEDULE_POLL_SECONDS * 1000,
    staleAfterHours: env.STALE_AFTER_HOURS,
    start: (schedule) =>
      startSync({ mode: schedule.mode, source: schedule.source, tables: schedule.tables }, "schedule"),
  });
  await cache.imdbScheduler.start();
  return cache.imdbScheduler;
}

/** Applies a saved schedule in this instance at once (the others pick it up at their next poll). */
export async function refreshWebScheduler(): Promise<void> {
  await cache.imdbScheduler?.refresh();
}

/** The stored schedule with its next firing times and the latest firings (the Settings page, GET /api/schedule). */
export function currentSchedule(): Promise<ScheduleOverview> {
  return scheduleOverview(getDb());
}

/** Saves the schedule and has this instance's scheduler pick it up at once (the others within their poll). */
export async function updateSchedule(schedule: Omit<Schedule, "updatedAt">): Promise<ScheduleOverview> {
  const db = getDb();
  await saveSchedule(db, schedule);
  await refreshWebScheduler();
  return scheduleOverview(db);
}
