/**
 * The stored schedule on the real server: several schedulers on one database (as several console instances
 * run it) fire each tick once; a tick that finds a run active is skipped and recorded; an edit saved by one
 * instance reaches the others at their next poll. Runs are only queued here (and finished at once), not
 * executed: what is tested is who starts them.
 */
import { setTimeout as sleep } from "node:timers/promises";
import { and, eq, gt, max } from "drizzle-orm";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { etlRuns, etlScheduleFirings } from "../../db/schema";
import { closePools, getDb } from "../../lib/db";
import { finishRun } from "../../lib/run-record/states";
import { createRun } from "../../lib/runs/control";
import { defaultSchedule, readSchedule, type Schedule, saveSchedule } from "../../lib/runs/schedule";
import { Scheduler, type StartScheduledRun } from "../../lib/runs/scheduler";
import { createTestDatabase, type TestDatabase } from "../helpers/database";

describe("the stored schedule", () => {
  let database: TestDatabase;
  const schedulers: Scheduler[] = [];
  beforeAll(async () => {
    database = await createTestDatabase("schedule");
  });
  afterEach(async () => {
    for (const s of schedulers.splice(0)) s.stop();
    const db = getDb(database.url);
    await db.delete(etlScheduleFirings);
    await db.update(etlRuns).set({ status: "cancelled" }).where(eq(etlRuns.status, "queued"));
  });
  afterAll(async () => {
    await closePools();
    await database.drop();
  });

  /** Queues the run a tick asks for and finishes it at once, so the next tick is free to start one. */
  const queueAndFinish: StartScheduledRun = async (schedule) => {
    const db = getDb(database.url);
    const id = await createRun(db, { ...schedule, trigger: "schedule" });
    await finishRun(db, id, "succeeded");
    return id;
  };
  const scheduler = (start: StartScheduledRun = queueAndFinish, pollMs = 200) => {
    const s = new Scheduler({ db: () => getDb(database.url), start, pollMs });
    schedulers.push(s);
    return s;
  };
  const firings = () => getDb(database.url).select().from(etlScheduleFirings).orderBy(etlScheduleFirings.dueAt);
  const scheduledRuns = (after = 0) =>
    getDb(database.url)
      .select()
      .from(etlRuns)
      .where(and(eq(etlRuns.trigger, "schedule"), gt(etlRuns.id, after)));
  const lastRunId = async () =>
    (
      await getDb(database.url)
        .select({ id: max(etlRuns.id) })
        .from(etlRuns)
    )[0]?.id ?? 0;
  const { updatedAt: _never, ...defaults } = defaultSchedule;
  const every2s: Omit<Schedule, "updatedAt"> = {
    ...defaults,
    enabled: true,
    cron: "*/2 * * * * *",
    tables: ["title_ratings"],
  };

  it("is off until saved, and reads back as saved", async () => {
    expect(await readSchedule(getDb(database.url))).toEqual(defaultSchedule);
    await saveSchedule(getDb(database.url), { ...every2s, timezone: "Europe/Berlin", mode: "verify" });
    const saved = await readSchedule(getDb(database.url));
    const { updatedAt: _, ...edited } = saved;
    expect(edited).toEqual({ ...every2s, timezone: "Europe/Berlin", mode: "verify" });
    expect(saved.updatedAt).toBeInstanceOf(Date);
  });

  it("fires one tick once when several instances claim it at the same moment", async () => {
    const due = new Date("2026-11-26T03:30:00Z");
    const before = await lastRunId();
    const instances = [scheduler(), scheduler(), scheduler(), scheduler()];
    await Promise.all(instances.map((s) => s.fire(every2s as Schedule, due)));
    const rows = await firings();
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ outcome: "started", dueAt: due });
    const runs = await scheduledRuns(before);
    expect(runs.map((r) => r.id)).toEqual([rows[0]?.runId]);
  });

  it("runs on its timer in three instances with one run per tick", async () => {
    await saveSchedule(getDb(database.url), every2s);
    const before = await lastRunId();
    await Promise.all([scheduler().start(), scheduler().start(), scheduler().start()]);
    await sleep(7_000);
    for (const s of schedulers.splice(0)) s.stop();
    // A tick that fired just before the stop may still be recording its run.
    await sleep(1_500);
    const rows = await firings();
    // Three instances over 7 s of a tick every 2 s: 3 or 4 ticks, and no tick fired twice under two due times.
    expect(rows.length).toBeGreaterThanOrEqual(3);
    expect(rows.length).toBeLessThanOrEqual(4);
    // One firing per tick (the unique key), every one on the schedule's own ticks, each with a run of its own.
    for (const row of rows) {
      expect(row.dueAt.getUTCSeconds() % 2).toBe(0);
      expect(row.dueAt.getUTCMilliseconds()).toBe(0);
      expect(row.outcome).toBe("started");
    }
    const runs = await scheduledRuns(before);
    expect(new Set(runs.map((r) => r.id))).toEqual(new Set(rows.map((r) => r.runId)));
    expect(runs.every((r) => r.tables === "title_ratings" && r.mode === "incremental")).toBe(true);
  });

  it('runs a fixed schedule (npm run schedule -- "<cron>") on its timer, whatever the stored one says', async () => {
    const before = await lastRunId();
    const fixed = new Scheduler({
      db: () => getDb(database.url),
      start: queueAndFinish,
      pollMs: 200,
      fixed: every2s as Schedule,
    });
    schedulers.push(fixed);
    await fixed.start();
    expect(fixed.nextRun()).toBeInstanceOf(Date);
    await sleep(4_500);
    fixed.stop();
    await sleep(1_000);
    const rows = await firings();
    expect(rows.length).toBeGreaterThanOrEqual(2);
    expect(rows.every((r) => r.scheduleKey === "cli" && r.outcome === "started")).toBe(true);
    expect((await scheduledRuns(before)).length).toBe(rows.length);
  });

  it("skips and records a tick that finds a run active, without queueing behind it", async () => {
    const db = getDb(database.url);
    const active = await createRun(db, {
      mode: "incremental",
      source: "imdb",
      tables: ["title_ratings"],
      trigger: "cli",
    });
    const before = (await scheduledRuns()).length;
    await scheduler().fire(every2s as Schedule, new Date("2026-11-26T04:00:00Z"));
    const [row] = await firings();
    expect(row).toMatchObject({ outcome: "skipped", runId: active, message: `Skipped: run ${active} was active.` });
    expect((await scheduledRuns()).length).toBe(before);
  });

  it("records a tick whose run cannot start, with the reason", async () => {
    const failing: StartScheduledRun = async () => {
      throw new Error("IMDB_LOCAL_DIR is not set");
    };
    await scheduler(failing).fire(every2s as Schedule, new Date("2026-11-26T05:00:00Z"));
    expect(await firings()).toMatchObject([{ outcome: "failed", runId: null, message: "IMDB_LOCAL_DIR is not set" }]);
  });

  it("takes an edit saved elsewhere at its next poll: switched off, it stops firing", async () => {
    await saveSchedule(getDb(database.url), every2s);
    const s = scheduler();
    await s.start();
    expect(s.nextRun()).not.toBeNull();
    await saveSchedule(getDb(database.url), { ...every2s, enabled: false });
    await sleep(600);
    expect(s.nextRun()).toBeNull();
    const count = (await firings()).length;
    await sleep(2_500);
    expect((await firings()).length).toBe(count);
  });
});
