/**
 * The states of a run and of a table within it, and the stages a table goes through, as typed constants:
 * the schema's enums, the engine, the API and the pages all use these. No imports, so client components
 * can use them without bundling the database code.
 */

/** A run's life: queued → running → succeeded | failed | cancelled. One run at a time may be active. */
export const runStatuses = ["queued", "running", "succeeded", "failed", "cancelled"] as const;
export type RunStatus = (typeof runStatuses)[number];
export const activeRunStatuses = ["queued", "running"] as const satisfies readonly RunStatus[];
export const finishedRunStatuses = ["succeeded", "failed", "cancelled"] as const satisfies readonly RunStatus[];
export type FinishedRunStatus = (typeof finishedRunStatuses)[number];
export const isActiveRunStatus = (status: string): boolean => (activeRunStatuses as readonly string[]).includes(status);

/**
 * "first-run" is a first build (every table loaded from scratch); "incremental" writes only what changed;
 * "verify" compares each table with its file row by row and writes nothing to it. A repair is an
 * incremental run with its `repair` flag set (it compares every table, no skip).
 */
export const runModes = ["first-run", "incremental", "verify"] as const;
export type RunMode = (typeof runModes)[number];

/**
 * What a run does, in one word: its mode, or "repair" for an incremental run with its `repair` flag. The engine's
 * table of what each one does is lib/etl/modes.ts.
 */
export type RunKind = RunMode | "repair";
export function runKind(run: { mode: RunMode; repair: boolean }): RunKind {
  return run.repair && run.mode === "incremental" ? "repair" : run.mode;
}

/** A repair is asked for as a verify that puts its drift right (`--mode verify --repair`, `"repair": true`). */
export const repairAskedWith = "verify" satisfies RunMode;

/**
 * How a run is recorded: a repair as what it does, an incremental sync with its `repair` flag set (it then
 * compares every table with its file, no skip); a first build rewrites every table and needs no repair.
 */
export function recordedMode(run: { mode: RunMode; repair?: boolean }): { mode: RunMode; repair: boolean } {
  const repair = (run.repair ?? false) && run.mode !== "first-run";
  return { mode: repair ? "incremental" : run.mode, repair };
}

/**
 * Drift a verify run finds, row by row: in the file but not the table ("missing"), in both with another
 * row_hash ("differing"), in the table but not the file ("extra"). An incremental sync would insert, update
 * and delete them.
 */
/**
 * The sources a run started from the web (a button, the schedule) may read: IMDb, the bundled sample, or the
 * folder in IMDB_LOCAL_DIR. Any other folder is for the command line only.
 */
export const webSources = ["imdb", "sample", "local"] as const;
export type WebSource = (typeof webSources)[number];

/** What a scheduled run may do: a first build replaces tables and needs a person to confirm it. */
export const scheduleModes = ["incremental", "verify"] as const;
export type ScheduleMode = (typeof scheduleModes)[number];

/**
 * What a schedule tick did: started a run, skipped (another run was active: never queued behind it), or
 * failed to start one (the message says why).
 */
export const firingOutcomes = ["started", "skipped", "failed"] as const;
export type FiringOutcome = (typeof firingOutcomes)[number];

export const driftKinds = ["missing", "differing", "extra"] as const;
export type DriftKind = (typeof driftKinds)[number];

export const tableStatuses = ["pending", "running", "succeeded", "skipped", "failed"] as const;
export type TableStatus = (typeof tableStatuses)[number];

/**
 * What a table's sync is doing, shown live. The stages that take time add it to one of the four seconds
 * counters of `etl_run_tables`: an incremental run's "compare" (the file read beside the table, changed rows
 * staged) is its load, and a first build's "swap" (RENAME into place, genre counts) its apply.
 */
export const stageSeconds = {
  download: "secondsDownload",
  load: "secondsLoad",
  compare: "secondsLoad",
  index: "secondsIndex",
  swap: "secondsApply",
  apply: "secondsApply",
} as const;
export type TimedStage = keyof typeof stageSeconds;
export type SecondsCounter = (typeof stageSeconds)[TimedStage];
export type TableStage = TimedStage | "pending" | "locate" | "skipped" | "done" | "failed";

/** What an incremental sync did to one row, as kept in its change log (`etl_changes`). */
export const changeKinds = ["insert", "update", "delete"] as const;
export type ChangeKind = (typeof changeKinds)[number];

/**
 * What a notification tells (lib/notify): a run that failed, one that succeeded (only when the settings ask for
 * it), a verify that found drift, a mirror with no successful sync for STALE_AFTER_HOURS, a schedule tick that
 * could not start its run, and the Settings page's test.
 */
export const notifyEvents = [
  "run.failed",
  "run.succeeded",
  "run.drift",
  "mirror.stale",
  "schedule.failed",
  "test",
] as const;
export type NotifyEvent = (typeof notifyEvents)[number];
export const deliveryOutcomes = ["delivered", "failed"] as const;
export type DeliveryOutcome = (typeof deliveryOutcomes)[number];

/** Levels of a run's own log lines (etl_run_log), as pino names them. */
export const runLogLevels = ["debug", "info", "warn", "error"] as const;
export type RunLogLevel = (typeof runLogLevels)[number];

/** How a data-quality check was counted: every row (full), or the rows a run touched with the rest carried forward. */
export const qualityMethods = ["full", "incremental", "carried"] as const;
export type QualityMethod = (typeof qualityMethods)[number];
