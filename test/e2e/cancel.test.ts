/**
 * Cancelling from the page: the run reads a FIFO the test feeds slowly, so it is still running when the
 * button is pressed; the engine notices at its next heartbeat and the page shows the run cancelled. The run
 * executes in this test process, as a command-line sync would (the console follows runs from anywhere;
 * the API itself takes no folder source).
 */
import { execFileSync } from "node:child_process";
import { createWriteStream } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import mysql from "mysql2/promise";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { executeRun } from "../../lib/etl/pipeline";
import { launchBrowser } from "../helpers/browser";
import { type EngineRun, queueRun, testSettings } from "../helpers/engine-run";
import { openConsole, waitForRun } from "./console-page";

const ratings = (from: number, to: number) =>
  Array.from({ length: to - from + 1 }, (_, i) => `tt${String(from + i).padStart(7, "0")}\t7.0\t${100 + i}\n`).join("");

describe("cancelling a running sync from the console", () => {
  let browser: Browser;
  let dir: string;
  beforeAll(async () => {
    browser = await launchBrowser();
    dir = await mkdtemp(path.join(tmpdir(), "imdb-e2e-cancel-"));
  });
  afterAll(async () => {
    await browser?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it("stops the run and shows it cancelled", async () => {
    const fifo = path.join(dir, "title.ratings.tsv");
    execFileSync("mkfifo", [fifo]);
    const run: EngineRun = { mode: "incremental", source: dir, tables: ["title_ratings"] };
    const id = await queueRun(inject("databaseUrl"), run);
    const done = executeRun(inject("databaseUrl"), id, { settings: testSettings(run) });
    const writer = createWriteStream(fifo);
    writer.on("error", () => {});
    let next = 1;
    const feed = setInterval(() => {
      if (!writer.destroyed) writer.write(ratings(next, next + 99));
      next += 100;
    }, 100);
    writer.write("tconst\taverageRating\tnumVotes\n");
    try {
      const { page, errors } = await openConsole(browser, `/runs/${id}`);
      const live = page.getByRole("region", { name: `Progress of run ${id}` });
      await live.getByTestId("live-status").getByText("running").waitFor();
      await live.getByRole("button", { name: "Cancel sync" }).click();
      await live.getByRole("button", { name: "Cancel requested…" }).waitFor();
      // When the run ends the page refreshes: the live panel goes and the run's final status shows.
      await page.getByTestId("run-status").getByText("cancelled").waitFor({ timeout: 30_000 });
      expect(errors).toEqual([]);
      await page.close();
    } finally {
      clearInterval(feed);
      writer.destroy();
      const connection = await mysql.createConnection({ uri: inject("databaseUrl") });
      await connection.query(
        "UPDATE etl_runs SET status = 'cancelled', finished_at = NOW(3) WHERE id = ? AND status IN ('queued', 'running')",
        [id],
      );
      await connection.end();
    }
    expect(await waitForRun(id)).toBe("cancelled");
    expect((await done).status).toBe("cancelled");
  });
});
