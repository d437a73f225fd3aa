/**
 * What each kind of run does, in one table: the pipeline reads it instead of asking `run.mode === …`, so a new
 * mode is a new row here (and its name in db/run-states.ts), not a branch in every step.
 */
import { type RunKind, type RunMode, runKind } from "../../db/run-states";

export interface ModeTraits {
  /** Each table's job: a build from scratch, a sync that writes the changed rows, or a compare that writes nothing. */
  job: "build" | "sync" | "compare";
  /** A file unchanged since the last exact sync (IMDb's 304, the same fingerprint) skips its table. */
  skipUnchanged: boolean;
  /** The new file is diffed against the kept file of the last exact sync when there is one (the table not read). */
  keptFileDiff: boolean;
  /**
   * Rows compared with the table by content (TableJob.fullCompare): finds rows changed behind the sync's back,
   * which no shortcut over the file (ETag, fingerprint, kept file) can see.
   */
  fullCompare: boolean;
  /** Server-side steps (index builds and swaps, applies) at once: lib/etl/slots.ts. */
  serverSlots: number;
  /**
   * A build logs no changes (the table's past before it cannot be rebuilt from the log): it raises the table's
   * history horizon instead.
   */
  raisesHorizon: boolean;
  /**
   * Which tables the data-quality checks take as touched afterwards: none (nothing was written), those whose
   * counters show a change, or every table that succeeded (a build replaced each one whole).
   */
  qualityChecks: "none" | "changed" | "succeeded";
}

/**
 * A first build's index builds and swaps go one at a time (each sorts a whole table); an incremental run's
 * applies two at a time (each is one session's work on the server; one at a time they queued behind the
 * largest table, so the end of a run was the applies alone, one after another, on one of the two cores).
 */
export const modes: Record<RunKind, ModeTraits> = {
  "first-run": {
    job: "build",
    skipUnchanged: false,
    keptFileDiff: false,
    fullCompare: false,
    serverSlots: 1,
    raisesHorizon: true,
    qualityChecks: "succeeded",
  },
  incremental: {
    job: "sync",
    skipUnchanged: true,
    keptFileDiff: true,
    fullCompare: false,
    serverSlots: 2,
    raisesHorizon: false,
    qualityChecks: "changed",
  },
  verify: {
    job: "compare",
    skipUnchanged: false,
    keptFileDiff: false,
    fullCompare: true,
    serverSlots: 1,
    raisesHorizon: false,
    qualityChecks: "none",
  },
  repair: {
    job: "sync",
    skipUnchanged: false,
    keptFileDiff: false,
    fullCompare: true,
    serverSlots: 2,
    raisesHorizon: false,
    qualityChecks: "changed",
  },
};

/** The traits of a recorded run: its mode, or a repair's (mode incremental with its repair flag). */
export function modeOf(run: { mode: RunMode; repair: boolean }): ModeTraits {
  return modes[runKind(run)];
}
