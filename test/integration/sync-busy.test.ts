import { gzipSync } from "node:zlib";
import { eq, inArray } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { etlRuns } from "../../db/schema";
import { closePools, getDb } from "../../lib/db";
import { executeRun } from "../../lib/etl/pipeline";
import { SyncBusyError } from "../../lib/runs/errors";
import { createTestDatabase, type TestDatabase } from "../helpers/database";
import { type EngineRun, queueRun, tableRows, tempDir, testSettings, tsv } from "../helpers/engine-run";
import { holdDownload, startServer, type TestServer } from "../helpers/http-server";

const ratings = tsv(
  "title_ratings",
  Array.from({ length: 500 }, (_, i) => `tt${String(i + 1).padStart(7, "0")}\t7.5\t${i}`),
);

describe("one sync at a time", () => {
  let db: TestDatabase;
  let server: TestServer;
  let run: EngineRun;
  beforeAll(async () => {
    db = await createTestDatabase("sync_busy");
    server = await startServer();
    run = {
      mode: "first-run",
      source: "imdb",
      tables: ["title_ratings"],
      sourceSettings: { baseUrl: server.url, downloadDir: await tempDir("busy-downloads") },
    };
  });
  afterAll(async () => {
    await server.close();
    await closePools();
    await db.drop();
  });

  const statusOf = async (id: number) => {
    const [row] = await getDb(db.url).select({ status: etlRuns.status }).from(etlRuns).where(eq(etlRuns.id, id));
    return row?.status;
  };

  it("a second sync started while one runs is refused with SyncBusyError naming the running one", async () => {
    const body = gzipSync(ratings);
    const download = holdDownload(server, body);

    const first = await queueRun(db.url, run);
    const queuedRefusal = await queueRun(db.url, run).catch((error: unknown) => error);
    expect(queuedRefusal).toBeInstanceOf(SyncBusyError);

    const done = executeRun(db.url, first, { settings: testSettings(run), heartbeatMs: 50 });
    await download.asked;
    expect(await statusOf(first)).toBe("running");

    const refusal = await queueRun(db.url, { ...run, mode: "incremental" }).catch((error: unknown) => error);
    expect(refusal).toBeInstanceOf(SyncBusyError);
    expect(refusal).toMatchObject({ code: "SYNC_BUSY", runId: first });
    expect(await getDb(db.url).select({ id: etlRuns.id }).from(etlRuns)).toEqual([{ id: first }]);

    download.release();
    const summary = await done;
    expect(summary.status).toBe("succeeded");
    expect(await tableRows(db.url, "title_ratings")).toHaveLength(500);

    const next = await queueRun(db.url, { ...run, mode: "incremental" });
    expect(next).toBeGreaterThan(first);
    const [cancelled] = await getDb(db.url)
      .update(etlRuns)
      .set({ status: "cancelled", finishedAt: new Date() })
      .where(eq(etlRuns.id, next));
    expect(cancelled.affectedRows).toBe(1);
  });

  it("a run whose process stopped (no heartbeat for a minute) does not block: it is failed and a new one starts", async () => {
    const stale = await queueRun(db.url, run);
    await getDb(db.url)
      .update(etlRuns)
      .set({ status: "running", heartbeatAt: new Date(Date.now() - 120_000) })
      .where(eq(etlRuns.id, stale));
    const next = await queueRun(db.url, run);
    expect(next).toBeGreaterThan(stale);
    expect(await statusOf(stale)).toBe("failed");
    expect(await statusOf(next)).toBe("queued");
  });

  it("of several syncs started at the same moment, exactly one is created", async () => {
    await getDb(db.url)
      .update(etlRuns)
      .set({ status: "cancelled" })
      .where(inArray(etlRuns.status, ["queued", "running"]));
    const attempts = await Promise.allSettled(Array.from({ length: 5 }, () => queueRun(db.url, run)));
    const created = attempts.filter((a) => a.status === "fulfilled");
    const refused = attempts.filter((a) => a.status === "rejected");
    expect(created).toHaveLength(1);
    expect(refused).toHaveLength(4);
    for (const r of refused) expect(r.reason).toBeInstanceOf(SyncBusyError);
  });

  it("the database itself refuses a second queued or running run (the unique active_slot), and allows finished ones", async () => {
    const runs = getDb(db.url);
    await runs
      .update(etlRuns)
      .set({ status: "cancelled" })
      .where(inArray(etlRuns.status, ["queued", "running"]));
    const row = { mode: "incremental" as const, trigger: "cli", source: "sample", status: "queued" as const };
    await runs.insert(etlRuns).values(row);
    await expect(runs.insert(etlRuns).values({ ...row, status: "running" })).rejects.toThrow();
    await runs.insert(etlRuns).values([
      { ...row, status: "failed" },
      { ...row, status: "succeeded" },
    ]);
    await runs.update(etlRuns).set({ status: "cancelled" }).where(eq(etlRuns.status, "queued"));
    await runs.insert(etlRuns).values({ ...row, status: "running" });
    await runs.update(etlRuns).set({ status: "cancelled" }).where(eq(etlRuns.status, "running"));
  });
});
