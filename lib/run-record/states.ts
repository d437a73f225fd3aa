/**
 * The run's state machine, every transition in one place. A run: (none) → queued → running → succeeded |
 * failed | cancelled, at most one queued or running at a time; a table of it: pending → running → succeeded |
 * skipped | failed (db/run-states.ts names the states). Every change is guarded in SQL by the state it comes
 * from (queued → running, a heartbeat only while running, a finish only from an active state), so a run that
 * someone else already failed or cancelled cannot be written over.
 *
 * While it executes, a run holds a server lock on a connection of its own: the server frees it the moment the
 * process dies, so whether a run still lives is known at once (whyDead). When to fail a dead run and whom to
 * tell is run control's (lib/runs/control.ts).
 */
import { and, eq, inArray, sql } from "drizzle-orm";
import type { Pool, RowDataPacket } from "mysql2/promise";
import {
  activeRunStatuses,
  etlRuns,
  etlRunTables,
  type FinishedRunStatus,
  type RunMode,
  recordedMode,
} from "../../db/schema";
import type { TableName } from "../catalog/datasets";
import type { Db } from "../db";

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

/** A run that is no longer this process's to execute: another holds it, or it left the queue. */
export class RunSuperseded extends Error {
  readonly code = "SUPERSEDED";
  constructor(message: string) {
    super(message);
    this.name = "RunSuperseded";
  }
}

/** SQL for the run's lock name, per database (lock names are server-wide) and run: at most 64 characters. */
export function runLockName(id: number): string {
  if (!Number.isSafeInteger(id)) throw new Error(`not a run id: ${id}`);
  return `CONCAT('imdb_run:', LEFT(SHA1(DATABASE()), 16), ':', ${id})`;
}

export interface RunLock {
  release(): Promise<void>;
}

/** Takes the run's lock on a connection of its own, held until release() (or until the process dies). */
export async function holdRunLock(pool: Pool, id: number): Promise<RunLock> {
  const connection = await pool.getConnection();
  try {
    const [rows] = await connection.query<RowDataPacket[]>(`SELECT GET_LOCK(${runLockName(id)}, 0) AS ok`);
    if (Number(rows[0]?.ok) !== 1) throw new RunSuperseded(`Run #${id} is already executing elsewhere.`);
  } catch (error) {
    connection.release();
    throw error;
  }
  return {
    async release() {
      await connection.query(`SELECT RELEASE_LOCK(${runLockName(id)})`).catch(() => undefined);
      connection.release();
    },
  };
}

const affected = (result: unknown) => (result as [{ affectedRows: number }])[0].affectedRows;

/** queued → running; a run that is no longer queued (failed or cancelled meanwhile) must not start. */
export async function markRunning(db: Db, id: number): Promise<void> {
  const result = await db
    .update(etlRuns)
    .set({ status: "running", startedAt: new Date(), heartbeatAt: new Date() })
    .where(and(eq(etlRuns.id, id), eq(etlRuns.status, "queued")));
  if (affected(result) === 0) throw new RunSuperseded(`Run #${id} is no longer queued; it does not start.`);
}

/**
 * Records the heartbeat and tells whether someone asked to cancel the run, or whether it was superseded
 * (no longer running: failed or cancelled by someone else), in which case it must stop without writing.
 */
export async function heartbeat(db: Db, id: number): Promise<{ cancelRequested: boolean; superseded: boolean }> {
  const result = await db
    .update(etlRuns)
    .set({ heartbeatAt: new Date() })
    .where(and(eq(etlRuns.id, id), eq(etlRuns.status, "running")));
  if (affected(result) === 0) return { cancelRequested: false, superseded: true };
  const [row] = await db.select({ cancel: etlRuns.cancelRequested }).from(etlRuns).where(eq(etlRuns.id, id));
  return { cancelRequested: row?.cancel ?? false, superseded: false };
}

/** Ends an active run; false when it had already ended (nothing is written over it). */
export async function finishRun(db: Db, id: number, status: FinishedRunStatus, error?: string): Promise<boolean> {
  const result = await db
    .update(etlRuns)
    .set({ status, finishedAt: new Date(), heartbeatAt: new Date(), error: error ?? null })
    .where(and(eq(etlRuns.id, id), inArray(etlRuns.status, activeRunStatuses)));
  return affected(result) > 0;
}

/** A heartbeat older than this means the process running the sync is gone. */
export const staleAfterMs = 60_000;

/** The queued or running runs (at most one, unless the database was changed by hand). */
export async function activeRuns(db: Db) {
  return db
    .select({ id: etlRuns.id, status: etlRuns.status, createdAt: etlRuns.createdAt, heartbeatAt: etlRuns.heartbeatAt })
    .from(etlRuns)
    .where(inArray(etlRuns.status, activeRunStatuses));
}

/** Whether the run's server lock is held, i.e. a process is executing it (holdRunLock). */
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
export async function whyDead(
  db: Db,
  run: Awaited<ReturnType<typeof activeRuns>>[number],
): Promise<string | undefined> {
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
 * (none) → queued: records the run unless one is active, which it returns instead. The database guarantees it:
 * at most one run can be queued or running (etl_runs.active_slot is unique), across processes, consoles and
 * cluster nodes.
 */
export async function insertQueuedRun(db: Db, run: NewRun): Promise<{ id: number } | { busy: number }> {
  for (let attempt = 0; ; attempt++) {
    const [active] = await activeRuns(db);
    if (active) return { busy: active.id };
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
        return { id };
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

/**
 * pending | running → skipped: the tables a stopped run never reached, so the run detail says why they have no
 * counters.
 */
export async function markTablesNotRun(db: Db, runId: number, why = "the run stopped"): Promise<void> {
  await db
    .update(etlRunTables)
    .set({ status: "skipped", message: `Not run: ${why}` })
    .where(and(eq(etlRunTables.runId, runId), inArray(etlRunTables.status, ["pending", "running"])));
}
