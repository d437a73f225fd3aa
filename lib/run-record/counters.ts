/**
 * A table's counters while its sync runs (rows read, written, rejected; bytes; seconds per stage) and the row
 * of `etl_run_tables` they are saved as: the engine counts, the heartbeat saves, the run summary reads back.
 */
import type { TableStage } from "../../db/run-states";

/** What a table's sync has done so far; `stage` is what it is doing now. */
export interface TableCounters {
  read: number;
  rejected: number;
  duplicates: number;
  inserted: number;
  updated: number;
  unchanged: number;
  deleted: number;
  deletesWithheld: number;
  bytesRead: number;
  bytesTotal: number | null;
  stage: TableStage;
  secondsDownload: number;
  secondsLoad: number;
  secondsApply: number;
  secondsIndex: number;
  message: string | null;
}

export function emptyCounters(): TableCounters {
  return {
    read: 0,
    rejected: 0,
    duplicates: 0,
    inserted: 0,
    updated: 0,
    unchanged: 0,
    deleted: 0,
    deletesWithheld: 0,
    bytesRead: 0,
    bytesTotal: null,
    stage: "pending",
    secondsDownload: 0,
    secondsLoad: 0,
    secondsApply: 0,
    secondsIndex: 0,
    message: null,
  };
}

/** The counters as `etl_run_tables` stores them. */
export function countersToRow(c: TableCounters) {
  return {
    stage: c.stage,
    rowsRead: c.read,
    inserted: c.inserted,
    updated: c.updated,
    unchanged: c.unchanged,
    deleted: c.deleted,
    deletesWithheld: c.deletesWithheld,
    rejected: c.rejected,
    duplicates: c.duplicates,
    bytesRead: c.bytesRead,
    bytesTotal: c.bytesTotal,
    secondsDownload: c.secondsDownload,
    secondsLoad: c.secondsLoad,
    secondsApply: c.secondsApply,
    secondsIndex: c.secondsIndex,
    message: c.message,
  };
}
