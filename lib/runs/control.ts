/**
 * Run control: a run is queued in `etl_runs` only when no other is queued or running (one sync at a time,
 * serialised by a server lock), a run whose process died is failed first (at once: its run lock is free),
 * a first build over tables with data needs a confirmation, and a cancel is a request the engine notices at
 * its next heartbeat (or, for a run whose process is gone, marks it cancelled at once).
 */
import { and, eq, inArray, sql } from "drizzle-orm";
import { activeRunStatuses, etlRuns, etlRunTables, type RunMode, recordedMode } from "../../db/schema";
import type { TableName } from "../catalog/datasets";
import type { Db } from "../db";
import { notifyRunEnd } from "../notify";
import { finishRun, runLockName } from "../run-record/record";
import { ReplaceNotConfirmedError, SyncBusyError } from "./errors";

export type RunTrigger = "cli" | "web" | "schedule";

export interface NewRun {
  mode: RunMode;
  source: string;
  tables: TableName[];
  trigger: RunTrigger;
  forceDeletes?: boolean;
  /** A repair instead (asked with mode "verify"): an incremental run that compares every table (recordedMode). */
  repair?: boolean;
}

/** A heartbeat older than this means the process running the sync is gone. */
export const staleAfterMs = 60_000;

/** Fails runs whose process died (see whyDead) so they do not block new runs. */
export async function failStaleRuns(db: Db): Promise<void> {
  for (const run of await activeRuns(db)) {
    const why = await whyDead(db, run);
    if (why && (await finishRun(db, run.id, "failed", why))) notifyRunEnd(db, run.id);
  }
}

async function activeRuns(db: Db) {
  return db
    .select({ id: etlRuns.id, status: etlRuns.status, createdAt: etlRuns.createdAt, heartbeatAt: etlRuns.heartbeatAt })
    .from(etlRuns)
    .where(inArray(etlRuns.status, activeRunStatuses));
}

/** Whether the run's server lock is held, i.e. a process is executing it (lib/run-record/record.ts). */
async function lockHeld(db: Db, id: number): Promise<boolean> {
  const [rows] = await db.execute(sql.raw(`SELECT IS_USED_LOCK(${runLockName(id)}) AS holder`));
  return (rows as unknown as { holder: unknown }[])[0]?.holder != null;
}

/**
 * Whether the server is a Galera cluster node. Its locks are local to the node: a run executed through
 * another node holds its lock there, so a free lock here says nothing about whether the run lives.
 */
async function isGaleraNode(db: Db): Promise<boolean> {
  const [rows] = await db.execute(sql.raw("SHOW GLOBAL VARIABLES LIKE 'wsrep_on'"));
  return (rows as unknown as { Value: unknown }[])[0]?.Value === "ON";
}

/**
 * Why an active run is dead, or undefined while it lives. A running run whose lock is free lost its process
 * (the server frees the lock when the connection drops): known at once, except on a Galera node (the lock may
 * be held on another node). A queued run gets `staleAfterMs` to be picked up; a heartbeat older than that
 * fails any run (a process that hangs, or runs on another server or cluster node).
 */
async function whyDead(db: Db, run: Awaited<ReturnType<typeof activeRuns>>[number]): Promise<string | undefined> {
  const age = Date.now() - (run.heartbeatAt ?? run.createdAt).getTime();
  if (age > staleAfterMs) return "The process running this sync stopped (no heartbeat for a minute).";
  if (await lockHeld(db, run.id)) return undefined;
  if (await isGaleraNode(db)) return undefined;
  if (run.status === "running") return "The process running this sync stopped (its server lock was freed).";
  return undefined;
}

/**
 * An insert refused by a unique key another writer claimed first: a duplicate key on one server; on a Galera
 * cluster a concurrent insert through another node fails certification as a deadlock. Used for the one active
 * run (etl_runs.active_slot) and the one firing per schedule tick.
 */
export function lostUniqueKeyRace(error: unknown): boolean {
  for (let e = error as { code?: string; cause?: unknown } | undefined; e; e = e.cause as typeof e) {
    if (e.code === "ER_DUP_ENTRY" || e.code === "ER_LOCK_DEADLOCK") return true;
  }
  return false;
}

/**
 * Records a queued run, or throws SyncBusyError when one is active. The database guarantees it: at most one
 * run can be queued or running (etl_runs.active_slot is unique), across processes, consoles and cluster nodes.
 */
export async function createRun(db: Db, run: NewRun): Promise<number> {
  await failStaleRuns(db);
  for (let attempt = 0; ; attempt++) {
    const [active] = await activeRuns(db);
    if (active) throw new SyncBusyError(active.id);
    try {
      return await db.transaction(async (tx) => {
        const [result] = await tx.insert(etlRuns).values({
          ...recordedMode(run),
          source: run.source,
          trigger: run.trigger,
          tables: run.tables.join(","),
          forceDeletes: run.forceDeletes ?? false,
          status: "queued",
          heartbeatAt: new Date(),
        });
        const id = result.insertId;
        await tx.insert(etlRunTables).values(run.tables.map((tableName) => ({ runId: id, tableName })));
        return id;
      });
    } catch (error) {
      // Another start won the race: it is found as the active run on the next round (once more at most).
      if (!lostUniqueKeyRace(error) || attempt > 0) throw error;
    }
  }
}

/** Asks a queued or running sync to stop; the engine notices at its next heartbeat. */
export async function requestCancel(db: Db, id: number): Promise<boolean> {
  const [result] = await db
    .update(etlRuns)
    .set({ cancelRequested: true })
    .where(and(eq(etlRuns.id, id), inArray(etlRuns.status, activeRunStatuses)));
  if (result.affectedRows === 0) return false;
  // A run whose process is gone would never notice: it is marked cancelled at once.
  const run = (await activeRuns(db)).find((r) => r.id === id);
  if (run && (await whyDead(db, run))) await finishRun(db, id, "cancelled", "Cancelled after its process had stopped.");
  return true;
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
