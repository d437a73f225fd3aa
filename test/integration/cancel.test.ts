import { execFileSync } from "node:child_process";
import { createWriteStream } from "node:fs";
import { mkdir, readdir } from "node:fs/promises";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { gzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunMode } from "../../db/schema";
import { datasets } from "../../lib/catalog/datasets";
import { closePools, getDb } from "../../lib/db";
import { EtlError } from "../../lib/etl/errors";
import { executeRun } from "../../lib/etl/pipeline";
import { locateFile } from "../../lib/etl/source";
import type { TableCounters } from "../../lib/run-record/counters";
import { requestCancel } from "../../lib/run-record/states";
import { createTestDatabase, type TestDatabase } from "../helpers/database";
import {
  type EngineRun,
  folderSource,
  queueRun,
  runEngine,
  tableResult,
  tableRows,
  tablesLike,
  tempDir,
  testSettings,
  tsv,
} from "../helpers/engine-run";
import { expectTableEqualsFile } from "../helpers/exactness";
import { startServer, type TestServer } from "../helpers/http-server";

const rating = (n: number, votes: number) =>
  `tt${String(n).padStart(7, "0")}\t${(1 + (n % 89) / 10).toFixed(1)}\t${votes}`;
const ratings = (from: number, to: number, votes: number) =>
  Array.from({ length: to - from + 1 }, (_, i) => rating(from + i, votes + i));
const loaded = tsv("title_ratings", ratings(1, 3000, 10));

async function waitFor(condition: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(10);
  }
}

describe("a cancelled run ends as cancelled and changes nothing in the table it was loading", () => {
  let db: TestDatabase;
  let dir: string;
  let server: TestServer;
  beforeAll(async () => {
    db = await createTestDatabase("cancel");
    dir = await tempDir("cancel");
    server = await startServer();
    const summary = await runEngine(db.url, {
      mode: "first-run",
      source: await folderSource(dir, "loaded", "title_ratings", loaded),
      tables: ["title_ratings"],
    });
    expect(summary.status).toBe("succeeded");
  });
  afterAll(async () => {
    await server.close();
    await closePools();
    await db.drop();
  });

  const expectNothingChanged = async (before: unknown[]) => {
    expect(await tableRows(db.url, "title_ratings")).toEqual(before);
    await expectTableEqualsFile(db.url, "title_ratings", loaded);
    expect(await tablesLike(db.url, "%\\_\\_new")).toEqual([]);
    expect(await tablesLike(db.url, "\\_stage\\_%")).toEqual([]);
  };

  it("locateFile stops a trickling download at once when its signal aborts, leaving no partial file", async () => {
    const body = gzipSync(tsv("title_ratings", ratings(1, 4000, 999)));
    let sent = 0;
    server.handle((_req, res) => {
      res.writeHead(200, { "content-length": body.length });
      const timer = setInterval(() => res.write(body.subarray(sent, ++sent * 100)), 100);
      res.on("close", () => clearInterval(timer));
    });
    const downloadDir = await tempDir("cancel-locate");
    const settings = testSettings({ sourceSettings: { baseUrl: server.url, downloadDir } }).source;
    const controller = new AbortController();
    const reason = new EtlError("CANCELLED", "The sync was cancelled.");
    const located = locateFile(getDb(db.url), "imdb", datasets.title_ratings, settings, () => {}, controller.signal);
    await waitFor(() => sent >= 2, "the first bytes of the download");
    const started = Date.now();
    controller.abort(reason);
    await expect(located).rejects.toBe(reason);
    expect(Date.now() - started).toBeLessThan(1000);
    expect(await readdir(downloadDir)).toEqual([]);
  });

  it("cancel interrupts a download in progress instead of waiting for it to finish", async () => {
    const body = gzipSync(tsv("title_ratings", ratings(1, 4000, 777)));
    let sent = 0;
    // 100 bytes every 100 ms: the whole file would take far longer than this test may.
    server.handle((_req, res) => {
      res.writeHead(200, { "content-length": body.length });
      const timer = setInterval(() => res.write(body.subarray(sent * 100, ++sent * 100)), 100);
      res.on("close", () => clearInterval(timer));
    });
    expect(body.length).toBeGreaterThan(20_000);
    const before = await tableRows(db.url, "title_ratings");
    const downloadDir = await tempDir("cancel-prompt");
    const run: EngineRun = {
      mode: "incremental",
      source: "imdb",
      tables: ["title_ratings"],
      sourceSettings: { baseUrl: server.url, downloadDir },
    };
    const runId = await queueRun(db.url, run);
    const done = executeRun(db.url, runId, { settings: testSettings(run), heartbeatMs: 50 });
    await waitFor(() => sent >= 2, "the first bytes of the download");
    const started = Date.now();
    expect(await requestCancel(getDb(db.url), runId)).toBe(true);
    const summary = await done;

    expect(Date.now() - started).toBeLessThan(3000);
    expect(summary.status).toBe("cancelled");
    expect(await readdir(downloadDir)).toEqual([]);
    await expectNothingChanged(before);
  });

  /**
   * The file is a FIFO the test writes into: the first half is read, checked and streamed to the server,
   * then the test cancels and waits for the heartbeat to notice before it writes the rest.
   */
  it.each<RunMode>(["first-run", "incremental"])(
    "%s: cancel while rows are being loaded leaves the table as it was",
    async (mode) => {
      const folder = path.join(dir, `fifo-${mode}`);
      await mkdir(folder);
      const fifo = path.join(folder, "title.ratings.tsv");
      execFileSync("mkfifo", [fifo]);
      const writer = createWriteStream(fifo);
      const firstHalf = tsv("title_ratings", ratings(1, 20000, 5000));
      const secondHalf = `${ratings(20001, 40000, 5000).join("\n")}\n`;
      const before = await tableRows(db.url, "title_ratings");

      const run: EngineRun = { mode, source: folder, tables: ["title_ratings"] };
      const runId = await queueRun(db.url, run);
      let counters: TableCounters | undefined;
      let ticks = 0;
      const done = executeRun(db.url, runId, {
        settings: testSettings(run),
        heartbeatMs: 25,
        onProgress: (event) => {
          counters = event.counters;
          ticks++;
        },
      });
      writer.write(firstHalf);
      await waitFor(() => (counters?.read ?? 0) >= 20000, "the first half to be read");
      expect(await requestCancel(getDb(db.url), runId)).toBe(true);
      const seen = ticks;
      await waitFor(() => ticks >= seen + 3, "three heartbeats after the cancel");
      await sleep(200);
      // The engine stops reading at the first chunk of the second half, so the rest meets a closed pipe.
      writer.on("error", () => {});
      await new Promise<void>((resolve) => {
        writer.once("close", resolve);
        writer.end(secondHalf);
      });
      const summary = await done;

      expect(summary.status).toBe("cancelled");
      const result = tableResult(summary, "title_ratings");
      expect(result.status).not.toBe("succeeded");
      expect(result.read).toBeLessThan(40000);
      await expectNothingChanged(before);
    },
  );
});
