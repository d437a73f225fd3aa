/**
 * The stored sync schedule (etl_schedule, one row) and its firings. Any number of console instances and
 * `npm run schedule` processes run the same schedule; each tick is claimed by inserting its firing row, whose
 * unique (schedule, due time) key lets the database pick exactly one of them.
 */
import { hostname } from "node:os";
import { Cron } from "croner";
import { desc, eq } from "drizzle-orm";
import {
  etlSchedule,
  etlScheduleFirings,
  type FiringOutcome,
  type ScheduleMode,
  type WebSource,
  webSources,
} from "../../db/schema";
import { type TableName, tableNames } from "../catalog/datasets";
import type { Db } from "../db";
import { env } from "../env";
import { lostUniqueKeyRace } from "../run-record/states";

export interface Schedule {
  enabled: boolean;
  cron: string;
  timezone: string;
  mode: ScheduleMode;
  source: WebSource;
  tables: TableName[];
  updatedAt: Date | null;
}

/** What the settings page shows before anything is saved: daily at 03:30 UTC, off. */
export const defaultSchedule: Schedule = {
  enabled: false,
  cron: "30 3 * * *",
  timezone: "UTC",
  mode: "incremental",
  source: "imdb",
  tables: [...tableNames],
  updatedAt: null,
};

/** The stored schedule's firing key; `npm run schedule -- "<expression>"` fires under "cli". */
export type ScheduleKey = "console" | "cli";

const scheduleId = 1;

export async function readSchedule(db: Db): Promise<Schedule> {
  const [row] = await db.select().from(etlSchedule).where(eq(etlSchedule.id, scheduleId));
  if (!row) return defaultSchedule;
  return {
    enabled: row.enabled,
    cron: row.cron,
    timezone: row.timezone,
    mode: row.mode,
    // Written only through the validated API; anything else reads as IMDb.
    source: (webSources as readonly string[]).includes(row.source) ? (row.source as WebSource) : "imdb",
    tables: row.tables.split(",").filter((t): t is TableName => (tableNames as readonly string[]).includes(t)),
    updatedAt: row.updatedAt,
  };
}

export async function saveSchedule(db: Db, schedule: Omit<Schedule, "updatedAt">): Promise<void> {
  const values = { ...schedule, tables: schedule.tables.join(","), updatedAt: new Date() };
  await db
    .insert(etlSchedule)
    .values({ id: scheduleId, ...values })
    .onDuplicateKeyUpdate({ set: values });
}

/**
 * Why a cron expression or time zone cannot be used, or undefined when both are fine. Five fields, or six
 * with seconds first; croner's own parser decides. Firings must be SCHEDULE_MIN_INTERVAL_SECONDS apart (a
 * minute unless set): `* * * * * *` would start a sync every second.
 */
export function scheduleProblem(
  cron: string,
  timezone: string,
  minIntervalSeconds = env.SCHEDULE_MIN_INTERVAL_SECONDS,
): string | undefined {
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: timezone });
  } catch {
    return `Unknown time zone "${timezone}" (use an IANA name such as Europe/Berlin or UTC).`;
  }
  let firings: Date[];
  try {
    const parsed = new Cron(cron, { timezone, paused: true });
    firings = parsed.nextRuns(10, new Date(Date.UTC(2030, 0, 1)));
    parsed.stop();
  } catch (error) {
    return `Invalid cron expression "${cron}": ${(error as Error).message}`;
  }
  const gaps = firings.slice(1).map((at, i) => at.getTime() - (firings[i]?.getTime() ?? 0));
  if (gaps.some((gap) => gap < minIntervalSeconds * 1000)) {
    return `"${cron}" fires more often than once every ${minIntervalSeconds} s: with six fields, make the first (seconds) a single value such as 0.`;
  }
  return undefined;
}

/** The next `count` times the schedule fires after `from` (none while it is off). */
export function nextFirings(
  schedule: Pick<Schedule, "enabled" | "cron" | "timezone">,
  count: number,
  from = new Date(),
) {
  if (!schedule.enabled || scheduleProblem(schedule.cron, schedule.timezone)) return [];
  const cron = new Cron(schedule.cron, { timezone: schedule.timezone, paused: true });
  try {
    return cron.nextRuns(count, from);
  } finally {
    cron.stop();
  }
}

/**
 * The tick a firing at `now` belongs to: the last scheduled time at or before it (half a second of slack for
 * a timer that fires early). Every instance computes the same tick however late its timer fired, so the
 * claim's unique key matches.
 */
export function dueTick(cron: Cron, now: Date): Date {
  const [due] = cron.previousRuns(1, new Date(now.getTime() + 500));
  const tick = due ?? now;
  return new Date(Math.floor(tick.getTime() / 1000) * 1000);
}

/** This process, as recorded in a firing it claims. */
export const processName = `${hostname()}:${process.pid}`;

/**
 * Claims a tick: the firing's id for the one process whose insert succeeds; undefined when another process
 * claimed it first (a duplicate key here, a certification failure on another Galera node).
 */
export async function claimTick(db: Db, key: ScheduleKey, dueAt: Date): Promise<number | undefined> {
  try {
    const [result] = await db
      .insert(etlScheduleFirings)
      .values({ scheduleKey: key, dueAt, firedBy: processName, outcome: "started" });
    return result.insertId;
  } catch (error) {
    if (lostUniqueKeyRace(error)) return undefined;
    throw error;
  }
}

export async function recordFiring(
  db: Db,
  firingId: number,
  outcome: FiringOutcome,
  runId: number | undefined,
  message?: string,
): Promise<void> {
  await db
    .update(etlScheduleFirings)
    .set({ outcome, runId: runId ?? null, message: message?.slice(0, 1024) ?? null })
    .where(eq(etlScheduleFirings.id, firingId));
}

export async function recentFirings(db: Db, limit = 20) {
  return db.select().from(etlScheduleFirings).orderBy(desc(etlScheduleFirings.id)).limit(limit);
}
export type Firing = Awaited<ReturnType<typeof recentFirings>>[number];

/** What the settings page and `GET /api/schedule` show. */
export interface ScheduleOverview {
  schedule: Schedule;
  next: Date[];
  firings: Firing[];
}

export async function scheduleOverview(db: Db): Promise<ScheduleOverview> {
  const schedule = await readSchedule(db);
  return { schedule, next: nextFirings(schedule, 5), firings: await recentFirings(db) };
}
