/**
 * Notifications on the real server, to a local webhook receiver: exactly one `run.failed` for a failed run run
 * by the engine in this process, by the command line (a child process that must not exit before it is
 * delivered) and by a scheduler; one `schedule.failed` for a tick that could not start its run; one
 * `mirror.stale` per stale period however many schedulers watch; a receiver that hangs or answers 500 delays no
 * run; and no webhook's path (its secret) is ever stored.
 */
import { spawn } from "node:child_process";
import { setTimeout as sleep } from "node:timers/promises";
import { eq } from "drizzle-orm";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { etlRuns, notifyDeliveries, notifyStaleAlerts } from "../../db/schema";
import { datasets, expectedHeader } from "../../lib/catalog/datasets";
import { closePools, getDb } from "../../lib/db";
import { executeRun } from "../../lib/etl/pipeline";
import { type NotifyBody, saveNotificationSettings, settleNotifications } from "../../lib/notify";
import { finishRun } from "../../lib/run-record/states";
import { createRun } from "../../lib/runs/control";
import { defaultSchedule, type Schedule } from "../../lib/runs/schedule";
import { Scheduler } from "../../lib/runs/scheduler";
import { buildEngine } from "../../scripts/bench/sync";
import { createTestDatabase, type TestDatabase } from "../helpers/database";
import { folderSource, runEngine, tempDir, testSettings, tsv } from "../helpers/engine-run";
import { startServer, type TestServer } from "../helpers/http-server";

const rating = (n: number) => `tt${String(n).padStart(7, "0")}\t7.5\t${100 + n}`;
const ratings = [rating(1), rating(2), rating(3)];
/** A title.ratings file whose header renamed a column: its table fails, and so the run. */
const badHeader = `${expectedHeader(datasets.title_ratings).replace("numVotes", "votes")}\n${ratings.join("\n")}\n`;

interface Received {
  path: string;
  body: NotifyBody;
}

/** A webhook receiver that records every JSON body it is sent. */
async function receiver(): Promise<{ server: TestServer; received: Received[] }> {
  const server = await startServer();
  const received: Received[] = [];
  server.handle((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      received.push({ path: req.url ?? "", body: JSON.parse(Buffer.concat(chunks).toString("utf8")) as NotifyBody });
      res.writeHead(200, { "content-type": "text/plain" });
      res.end("ok");
    });
  });
  return { server, received };
}

describe("notifications", () => {
  let database: TestDatabase;
  let dir: string;
  let hook: Awaited<ReturnType<typeof receiver>>;
  const schedulers: Scheduler[] = [];
  const db = () => getDb(database.url);
  const events = (event: string, runId?: number) =>
    hook.received.filter((r) => r.body.event === event && (runId === undefined || r.body.run?.id === runId));

  beforeAll(async () => {
    buildEngine();
    database = await createTestDatabase("notify");
    dir = await tempDir("notify");
    hook = await receiver();
  });
  afterEach(() => {
    for (const s of schedulers.splice(0)) s.stop();
  });
  afterAll(async () => {
    await settleNotifications();
    await hook?.server.close();
    await closePools();
    await database?.drop();
  });

  it("sends mirror.stale once per stale period, however many schedulers watch the database", async () => {
    await saveNotificationSettings(db(), { urls: [`${hook.server.url}stale/T0KEN`], onSuccess: false });
    // A successful sync 40 hours ago: stale past 36 hours.
    const id = await createRun(db(), {
      mode: "incremental",
      source: "sample",
      tables: ["title_ratings"],
      trigger: "cli",
    });
    await finishRun(db(), id, "succeeded");
    await db()
      .update(etlRuns)
      .set({ finishedAt: new Date(Date.now() - 40 * 3_600_000) })
      .where(eq(etlRuns.id, id));
    for (let i = 0; i < 3; i++) {
      const s = new Scheduler({ db, start: async () => 0, pollMs: 100, staleAfterHours: 36 });
      schedulers.push(s);
      await s.start();
    }
    await expect.poll(() => events("mirror.stale").length, { timeout: 10_000 }).toBe(1);
    await sleep(1000); // ten more polls of each scheduler
    await settleNotifications();
    expect(events("mirror.stale")).toHaveLength(1);
    const stale = events("mirror.stale")[0]?.body;
    expect(stale).toMatchObject({ event: "mirror.stale", run: null });
    expect(stale?.text).toMatch(/stale: no successful sync for 40 hours .*run #\d+/);
    expect(await db().select().from(notifyStaleAlerts)).toEqual([expect.objectContaining({ lastSuccessRunId: id })]);
    // The delivery is recorded by scheme and host: the path (a Slack webhook's secret) is not stored.
    const [delivery] = await db().select().from(notifyDeliveries).where(eq(notifyDeliveries.event, "mirror.stale"));
    expect(delivery).toMatchObject({ outcome: "delivered", httpStatus: 200, attempts: 1 });
    expect(delivery?.target).toBe(hook.server.url.replace(/\/$/, ""));
    expect(JSON.stringify(await db().select().from(notifyDeliveries))).not.toContain("T0KEN");
  });

  it("sends exactly one run.failed for a failed run (engine), with the run and its tables", async () => {
    await saveNotificationSettings(db(), { urls: [`${hook.server.url}engine`], onSuccess: false });
    const source = await folderSource(dir, "bad-engine", "title_ratings", badHeader);
    const summary = await runEngine(database.url, { mode: "incremental", source, tables: ["title_ratings"] });
    expect(summary.status).toBe("failed");
    await settleNotifications();
    const failed = events("run.failed", summary.id);
    expect(failed).toHaveLength(1);
    expect(failed[0]?.path).toBe("/engine");
    expect(failed[0]?.body).toMatchObject({
      event: "run.failed",
      url: null,
      run: {
        id: summary.id,
        mode: "incremental",
        status: "failed",
        trigger: "cli",
        tables: [{ table: "title_ratings", status: "failed", inserted: 0, updated: 0, deleted: 0, rejected: 0 }],
      },
    });
    expect(failed[0]?.body.run?.error).toMatch(/votes/);
    expect(failed[0]?.body.text).toMatch(new RegExp(`^IMDb sync run #${summary.id} \\(incremental, cli\\) failed: `));
  });

  it("sends exactly one run.failed for a failed run of the command line, before the process exits", async () => {
    await saveNotificationSettings(db(), { urls: [], onSuccess: false });
    const source = await folderSource(dir, "bad-cli", "title_ratings", badHeader);
    const env = {
      ...process.env,
      DATABASE_URL: database.url,
      LOG_LEVEL: "silent",
      NOTIFY_URLS: `${hook.server.url}cli`,
    };
    const args = [".cache/etl-cli.mjs", "--mode", "incremental", "--source", source, "--tables", "title_ratings"];
    // Spawned, not spawnSync: the receiver answers from this process's event loop.
    const child = spawn(process.execPath, [...args, "--json"], { env });
    const result = { stdout: "", stderr: "", status: null as number | null };
    child.stdout.on("data", (c: Buffer) => {
      result.stdout += c.toString();
    });
    child.stderr.on("data", (c: Buffer) => {
      result.stderr += c.toString();
    });
    result.status = await new Promise<number | null>((resolve) => child.on("close", resolve));
    expect(result.status, result.stderr).toBe(1);
    const runId = JSON.parse(result.stdout.trim().split("\n").at(-1) ?? "{}").id as number;
    // Received by the time the process has exited: it waited for the delivery.
    const failed = events("run.failed", runId);
    expect(failed).toHaveLength(1);
    expect(failed[0]?.path).toBe("/cli");
    expect(failed[0]?.body.run).toMatchObject({ id: runId, status: "failed", trigger: "cli" });
  });

  it("sends exactly one run.failed for a failed scheduled run, and one schedule.failed for a tick that could not start", async () => {
    await saveNotificationSettings(db(), { urls: [`${hook.server.url}schedule`], onSuccess: false });
    const source = await folderSource(dir, "bad-schedule", "title_ratings", badHeader);
    const schedule: Schedule = { ...defaultSchedule, enabled: true, tables: ["title_ratings"], source: "sample" };
    const started: number[] = [];
    // As `npm run schedule` does: the run is queued and executed in this process.
    const s = new Scheduler({
      db,
      fixed: schedule,
      pollMs: 60_000,
      start: async () => {
        const runId = await createRun(db(), {
          mode: "incremental",
          source,
          tables: ["title_ratings"],
          trigger: "schedule",
        });
        started.push(runId);
        void executeRun(database.url, runId, { settings: testSettings({}) });
        return runId;
      },
    });
    schedulers.push(s);
    await s.fire(schedule, new Date(Date.now() - 1000));
    const runId = started[0] as number;
    await expect.poll(() => events("run.failed", runId).length, { timeout: 20_000 }).toBe(1);
    await settleNotifications();
    expect(events("run.failed", runId)).toHaveLength(1);
    expect(events("run.failed", runId)[0]?.body.run).toMatchObject({ trigger: "schedule", status: "failed" });

    const broken = new Scheduler({
      db,
      fixed: schedule,
      pollMs: 60_000,
      start: async () => {
        throw new Error("the source folder is gone");
      },
    });
    const twin = new Scheduler({ db, fixed: schedule, pollMs: 60_000, start: async () => 0 });
    const due = new Date(Math.floor(Date.now() / 1000) * 1000 + 5000);
    // Two processes on the same tick: one claims it (the broken one, first), the other finds it claimed.
    await broken.fire(schedule, due);
    await twin.fire(schedule, due);
    await settleNotifications();
    const tick = events("schedule.failed");
    expect(tick).toHaveLength(1);
    expect(tick[0]?.body).toMatchObject({ event: "schedule.failed", run: null });
    expect(tick[0]?.body.text).toContain("the source folder is gone");
  });

  it("a receiver that hangs or answers 500 delays no run; each is tried three times and recorded as failed", async () => {
    const hanging = await startServer();
    hanging.handle(() => {}); // never answers
    const failing = await startServer();
    failing.handle((_req, res) => {
      res.writeHead(500);
      res.end();
    });
    try {
      await saveNotificationSettings(db(), {
        urls: [`${hanging.url}hook`, `${failing.url}hook`, `${hook.server.url}ok`],
        onSuccess: true,
      });
      const source = await folderSource(dir, "good", "title_ratings", tsv("title_ratings", ratings));
      const started = performance.now();
      const summary = await runEngine(database.url, { mode: "incremental", source, tables: ["title_ratings"] });
      const runSeconds = (performance.now() - started) / 1000;
      expect(summary.status).toBe("succeeded");
      // A delivery to the hanging receiver takes 3 × 5 s + 3 s of back-off; the run did not wait for it.
      expect(runSeconds).toBeLessThan(5);
      const settled = performance.now();
      await settleNotifications();
      expect((performance.now() - settled) / 1000).toBeGreaterThan(10);
      const rows = await db().select().from(notifyDeliveries).where(eq(notifyDeliveries.runId, summary.id));
      const byTarget = Object.fromEntries(rows.map((r) => [r.target, r]));
      expect(byTarget[hanging.url.replace(/\/$/, "")]).toMatchObject({
        event: "run.succeeded",
        outcome: "failed",
        attempts: 3,
        httpStatus: null,
        error: "no answer within 5 s",
      });
      expect(byTarget[failing.url.replace(/\/$/, "")]).toMatchObject({
        outcome: "failed",
        attempts: 3,
        httpStatus: 500,
        error: "answered HTTP 500",
      });
      expect(failing.requests).toHaveLength(3);
      const ok = events("run.succeeded", summary.id);
      expect(ok).toHaveLength(1);
      expect(ok[0]?.body.text).toMatch(/succeeded: 3 inserted, 0 updated, 0 deleted, 0 rejected\.$/);
    } finally {
      await saveNotificationSettings(db(), { urls: [], onSuccess: false });
      await hanging.close();
      await failing.close();
    }
  }, 60_000);
});
