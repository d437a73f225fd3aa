/**
 * Run control: when a run may be queued. A run whose process died is failed first (at once: its run lock is
 * free) and its end notified, then the run is queued unless another is active (one sync at a time); a first
 * build over tables with data needs a confirmation. The transitions themselves, liveness and cancel requests
 * are the run record's (lib/run-record/states.ts).
 */
import { sql } from "drizzle-orm";
import type { TableName } from "../catalog/datasets";
import type { Db } from "../db";
import { notifyRunEnd } from "../notify";
import { activeRuns, finishRun, insertQueuedRun, type NewRun, whyDead } from "../run-record/states";
import { ReplaceNotConfirmedError, SyncBusyError } from "./errors";

/** Fails runs whose process died (see whyDead) so they do not block new runs. */
export async function failStaleRuns(db: Db): Promise<void> {
  for (const run of await activeRuns(db)) {
    const why = await whyDead(db, run);
    if (why && (await finishRun(db, run.id, "failed", why))) notifyRunEnd(db, run.id);
  }
}

/**
 * Records a queued run, or throws SyncBusyError when one is active (insertQueuedRun), after failing a run whose
 * process died, so that it does not block this one.
 */
export async function createRun(db: Db, run: NewRun): Promise<number> {
  await failStaleRuns(db);
  const queued = await insertQueuedRun(db, run);
  if ("busy" in queued) throw new SyncBusyError(queued.busy);
  return queued.id;
}

/** The tables among `tables` that hold rows: a first build over them replaces their contents. */
export async function tablesWithData(db: Db, tables: TableName[]): Promise<TableName[]> {
  const found: TableName[] = [];
  for (const table of tables) {
    const [rows] = await db.execute(sql.raw(`SELECT EXISTS(SELECT 1 FROM \`${table}\`) AS has`));
    if ((rows as unknown as { has: number }[])[0]?.has) found.push(table);
  }
  return found;
}

/** Throws ReplaceNotConfirmedError when a first build would replace data nobody agreed to replace. */
export async function assertReplaceConfirmed(db: Db, run: Pick<NewRun, "mode" | "tables">, replace: boolean) {
  if (run.mode !== "first-run" || replace) return;
  const filled = await tablesWithData(db, run.tables);
  if (filled.length > 0) throw new ReplaceNotConfirmedError(filled);
}
