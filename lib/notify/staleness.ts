/**
 * Staleness: how old the mirror is (its last successful sync, not a verify) against STALE_AFTER_HOURS, and the
 * `mirror.stale` notification, sent once per stale period whichever process notices first.
 */
import { and, eq, max, ne } from "drizzle-orm";
import { etlRuns, notifyStaleAlerts } from "../../db/schema";
import { type Db, getDb } from "../db";
import { env } from "../env";
import { consoleLink, send, targets } from "./index";

export interface MirrorAge {
  /** When the last successful sync (not a verify) finished, and its run. */
  lastSuccessAt: Date | null;
  lastSuccessRunId: number | null;
  staleAfterHours: number;
  /** No successful sync for more than staleAfterHours (a mirror never synced is not stale: it is empty). */
  stale: boolean;
}

export async function mirrorAge(db: Db, staleAfterHours = env.STALE_AFTER_HOURS, now = new Date()): Promise<MirrorAge> {
  const [last] = await db
    .select({ id: max(etlRuns.id) })
    .from(etlRuns)
    .where(and(eq(etlRuns.status, "succeeded"), ne(etlRuns.mode, "verify")));
  const id = last?.id ?? null;
  const [run] = id ? await db.select({ at: etlRuns.finishedAt }).from(etlRuns).where(eq(etlRuns.id, id)) : [];
  const at = run?.at ?? null;
  const stale = at !== null && now.getTime() - at.getTime() > staleAfterHours * 3_600_000;
  return { lastSuccessAt: at, lastSuccessRunId: id, staleAfterHours, stale };
}

const affected = (result: unknown) => (result as [{ affectedRows: number }])[0].affectedRows;

/**
 * Sends `mirror.stale` once per stale period: the process that records the period (its last successful run)
 * first sends it; every other process and every later check finds it recorded. Returns whether it sent.
 */
export async function checkStale(db: Db, staleAfterHours = env.STALE_AFTER_HOURS, now = new Date()): Promise<boolean> {
  const age = await mirrorAge(db, staleAfterHours, now);
  if (!age.stale || !age.lastSuccessAt || age.lastSuccessRunId === null) return false;
  const { urls } = await targets(db);
  if (urls.length === 0) return false;
  const claimed = await db.insert(notifyStaleAlerts).ignore().values({ lastSuccessRunId: age.lastSuccessRunId });
  if (affected(claimed) === 0) return false;
  const hours = Math.floor((now.getTime() - age.lastSuccessAt.getTime()) / 3_600_000);
  const text =
    `The IMDb mirror is stale: no successful sync for ${hours} hours ` +
    `(the last was run #${age.lastSuccessRunId} at ${age.lastSuccessAt.toISOString()}; STALE_AFTER_HOURS is ${staleAfterHours}).`;
  await send(db, { event: "mirror.stale", text, run: null, url: consoleLink("") }, urls);
  return true;
}

/** How old the console's mirror is (the overview's banner). */
export const currentMirrorAge = () => mirrorAge(getDb());
