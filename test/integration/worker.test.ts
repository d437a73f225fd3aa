import { Worker } from "node:worker_threads";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { tableNames } from "../../lib/catalog/datasets";
import { closePools, getDb } from "../../lib/db";
import type { RunSummary } from "../../lib/run-record/record";
import { createRun } from "../../lib/runs/control";
import { createTestDatabase, type TestDatabase } from "../helpers/database";

describe("the worker_threads entry the console uses", () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase("worker");
  });
  afterAll(async () => {
    await closePools();
    await db.drop();
  });

  it("runs a queued sync of the bundled sample to the end and posts its summary", async () => {
    const runId = await createRun(getDb(db.url), {
      mode: "first-run",
      source: "sample",
      tables: [...tableNames],
      trigger: "web",
    });
    // Under Next.js the worker is bundled; here tsx's loader is registered in the worker before importing it.
    const entry = new URL("../../lib/etl/worker.ts", import.meta.url).href;
    const bootstrap = `import("tsx/esm/api").then(({ register }) => { register(); return import(${JSON.stringify(entry)}); })`;
    const worker = new Worker(bootstrap, { eval: true, workerData: { databaseUrl: db.url, runId } });
    const message = await new Promise<{ type: string; summary?: RunSummary; message?: string }>((resolve, reject) => {
      worker.once("message", resolve);
      worker.once("error", reject);
    });
    await worker.terminate();
    expect(message.message).toBeUndefined();
    expect(message.type).toBe("done");
    expect(message.summary?.status).toBe("succeeded");
    expect(message.summary?.tables.map((t) => [t.table, t.inserted])).toEqual(
      [...tableNames].sort().map((table) => [table, 999]),
    );
  });
});
