/**
 * Run safety on the real server: a sync killed with SIGKILL frees the way for the next one at once (its run
 * lock dies with its connection), SIGTERM cancels cleanly, a run that someone else ended stops without
 * writing over it, and cancelling a run whose process is gone marks it at once.
 */
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { createWriteStream, type WriteStream } from "node:fs";
import { mkdir } from "node:fs/promises";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { etlRuns } from "../../db/schema";
import { getDb } from "../../lib/db";
import { executeRun } from "../../lib/etl/pipeline";
import { requestCancel } from "../../lib/run-record/states";
import { createRun } from "../../lib/runs/control";
import { buildEngine } from "../../scripts/bench/sync";
import { createTestDatabase, type TestDatabase } from "../helpers/database";
import { folderSource, queueRun, tableRows, tempDir, testSettings, tsv } from "../helpers/engine-run";

const rating = (n: number) => `tt${String(n).padStart(7, "0")}\t7.5\t${100 + n}`;
const ratings = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => rating(from + i));

async function statusOf(url: string, id: number) {
  const [run] = await getDb(url).select().from(etlRuns).where(eq(etlRuns.id, id));
  return run;
}

async function waitFor<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(25);
  }
}

/** A folder whose title.ratings.tsv is a FIFO: the run reads the header and waits for more. */
async function slowSource(dir: string, name: string): Promise<{ folder: string; writer: WriteStream }> {
  const folder = path.join(dir, name);
  await mkdir(folder);
  const fifo = path.join(folder, "title.ratings.tsv");
  execFileSync("mkfifo", [fifo]);
  const writer = createWriteStream(fifo);
  writer.on("error", () => {});
  writer.write(tsv("title_ratings", ratings(1, 10)));
  return { folder, writer };
}

/** `npm run etl` as a child process (the esbuild bundle), on the test database. */
function cli(url: string, folder: string): ChildProcess {
  const args = [".cache/etl-cli.mjs", "--mode", "incremental", "--source", folder, "--tables", "title_ratings"];
  return spawn(process.execPath, args, { env: { ...process.env, DATABASE_URL: url, LOG_LEVEL: "silent" } });
}

describe("run liveness", () => {
  let db: TestDatabase;
  let dir: string;
  const children: ChildProcess[] = [];

  beforeAll(async () => {
    buildEngine();
    db = await createTestDatabase("liveness");
    dir = await tempDir("liveness");
  });
  afterAll(async () => {
    for (const child of children) child.kill("SIGKILL");
    await db?.drop();
  });

  /** `npm run etl` on a slow source, once its run is running. */
  async function runningCli(name: string) {
    const { folder, writer } = await slowSource(dir, name);
    const child = cli(db.url, folder);
    children.push(child);
    const id = await waitFor("the CLI's run to be running", async () => {
      const [run] = await getDb(db.url).select().from(etlRuns).where(eq(etlRuns.status, "running"));
      return run?.id;
    });
    return { child, id, writer };
  }

  it("lets a new sync start at once after the running one was killed with SIGKILL, and the new one is exact", async () => {
    const { child, id: killedId, writer } = await runningCli("killed");
    child.kill("SIGKILL");
    await new Promise((resolve) => child.once("exit", resolve));
    writer.destroy();
    const killedAt = Date.now();

    const lines = ratings(1, 500);
    const source = await folderSource(dir, "after-kill", "title_ratings", tsv("title_ratings", lines));
    const nextId = await createRun(getDb(db.url), {
      mode: "incremental",
      source,
      tables: ["title_ratings"],
      trigger: "cli",
    });
    expect(Date.now() - killedAt).toBeLessThan(5000);
    const killed = await statusOf(db.url, killedId);
    expect(killed?.status).toBe("failed");
    expect(killed?.error).toContain("stopped");

    const summary = await executeRun(db.url, nextId, {
      settings: testSettings({ settings: {}, sourceSettings: {} }),
    });
    expect(summary.status).toBe("succeeded");
    expect(Date.now() - killedAt).toBeLessThan(5000);
    const rows = await tableRows(db.url, "title_ratings");
    expect(rows).toHaveLength(lines.length);
  });

  it("cancels cleanly on SIGTERM: the run is recorded as cancelled and the CLI exits 1", async () => {
    const { child, id, writer } = await runningCli("terminated");
    const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
    child.kill("SIGTERM");
    // The engine notices between chunks: one more line lets the scan reach its next check.
    writer.write(`${rating(11)}\n`);
    await sleep(200);
    writer.end(`${rating(12)}\n`);
    expect(await exited).toBe(1);
    const run = await statusOf(db.url, id);
    expect(run?.status).toBe("cancelled");
  });

  it("stops a run that someone else ended, without writing over its status", async () => {
    const { folder, writer } = await slowSource(dir, "superseded");
    const run = { mode: "incremental" as const, source: folder, tables: ["title_ratings" as const] };
    const id = await queueRun(db.url, run);
    const done = executeRun(db.url, id, { settings: testSettings({}), heartbeatMs: 25 });
    await waitFor("the run to be running", async () =>
      (await statusOf(db.url, id))?.status === "running" ? 1 : undefined,
    );
    await getDb(db.url).update(etlRuns).set({ status: "failed", error: "ended by the test" }).where(eq(etlRuns.id, id));
    await sleep(150);
    writer.end(`${rating(11)}\n`);
    await done;
    const after = await statusOf(db.url, id);
    expect(after?.status).toBe("failed");
    expect(after?.error).toBe("ended by the test");
  });

  it("marks a run whose process is gone as cancelled at once when it is cancelled", async () => {
    const id = await queueRun(db.url, { mode: "incremental", source: "sample", tables: ["title_ratings"] });
    // Running, but no process holds its lock (as after a crash), and its heartbeat is fresh.
    await getDb(db.url).update(etlRuns).set({ status: "running", heartbeatAt: new Date() }).where(eq(etlRuns.id, id));
    expect(await requestCancel(getDb(db.url), id)).toBe(true);
    expect((await statusOf(db.url, id))?.status).toBe("cancelled");
  });
});
