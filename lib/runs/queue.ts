/**
 * Queue a run and execute it: the one way the console, the command line and the scheduler start a sync. Each
 * says only where the run executes (a worker thread for the web, this process for the CLI and `npm run
 * schedule`) and what it waits for.
 */
import type { RunMode } from "../../db/schema";
import { type TableName, tableNames } from "../catalog/datasets";
import { getDb } from "../db";
import type { RunTrigger } from "../run-record/states";
import { assertReplaceConfirmed, createRun } from "./control";

export interface RunRequest {
  mode: RunMode;
  source: string;
  /** None or empty: every table. */
  tables?: TableName[];
  trigger: RunTrigger;
  forceDeletes?: boolean;
  /** A first build over tables that hold data replaces them: only with replace: true. */
  replace?: boolean;
  /** With mode "verify": put the drift right (recorded as an incremental run with its repair flag). */
  repair?: boolean;
}

/**
 * Queues the run, then hands it to `execute` (which starts it and returns what the caller waits on, if
 * anything). Throws SyncBusyError while another run is queued or running, and ReplaceNotConfirmedError for an
 * unconfirmed first build over tables with data; nothing is queued then.
 */
export async function queueRun<T>(
  databaseUrl: string,
  request: RunRequest,
  execute: (runId: number) => T,
): Promise<{ runId: number; execution: T }> {
  const db = getDb(databaseUrl);
  const run = {
    mode: request.mode,
    source: request.source,
    tables: request.tables?.length ? request.tables : [...tableNames],
    trigger: request.trigger,
    forceDeletes: request.forceDeletes ?? false,
    repair: request.repair ?? false,
  };
  await assertReplaceConfirmed(db, run, request.replace ?? false);
  const runId = await createRun(db, run);
  return { runId, execution: execute(runId) };
}
