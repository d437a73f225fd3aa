/**
 * The run detail page for runs that went wrong: rejected lines with their reasons, and the error of a
 * failed run. The runs read small folders the test writes, executed in this process as a command-line
 * sync would be (the API takes no folder source); the console shows them like any other run.
 */
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { executeRun } from "../../lib/etl/pipeline";
import { launchBrowser } from "../helpers/browser";
import { type EngineRun, queueRun, testSettings } from "../helpers/engine-run";
import { ensureSampleLoaded, openConsole, waitForRun } from "./console-page";

async function startFolderRun(folder: string): Promise<number> {
  const run: EngineRun = { mode: "incremental", source: folder, tables: ["title_ratings"] };
  const id = await queueRun(inject("databaseUrl"), run);
  await executeRun(inject("databaseUrl"), id, { settings: testSettings(run) });
  return id;
}

describe("run detail of runs that went wrong", () => {
  let browser: Browser;
  let dir: string;
  beforeAll(async () => {
    browser = await launchBrowser();
    dir = await mkdtemp(path.join(tmpdir(), "imdb-e2e-detail-"));
  });
  afterAll(async () => {
    await browser?.close();
    await rm(dir, { recursive: true, force: true });
    await ensureSampleLoaded();
  });

  it("lists rejected lines with file, line number and reason", async () => {
    const folder = path.join(dir, "bad-lines");
    await mkdir(folder);
    const lines = ["tconst\taverageRating\tnumVotes", "tt0000001\t5.8\t1403", "tt0000002\tabc\t163", "tt0000003\t6.5"];
    await writeFile(path.join(folder, "title.ratings.tsv"), `${lines.join("\n")}\n`);
    const id = await startFolderRun(folder);
    await waitForRun(id);
    const { page, errors } = await openConsole(browser, `/runs/${id}`);
    await page.getByRole("heading", { name: "Rejected lines (2)" }).waitFor();
    const rejects = page.getByRole("region", { name: "Rejected lines", exact: true }).locator("tbody tr");
    await expect(rejects.count()).resolves.toBe(2);
    const cells = async (row: number) =>
      (await rejects.nth(row).locator("td").allTextContents()).map((text) => text.trim());
    const [table, file, lineNumber, reason, content] = await cells(0);
    expect([table, file]).toEqual(["title_ratings", "title.ratings.tsv.gz"]);
    expect(Number(lineNumber)).toBeGreaterThan(1);
    expect(reason?.length).toBeGreaterThan(0);
    expect(content).toBe("tt0000002\tabc\t163");
    expect((await cells(1))[4]).toBe("tt0000003\t6.5");
    const counters = page.locator('tr[data-table="title_ratings"] td[data-counter="rejected"]');
    await expect(counters.textContent()).resolves.toBe("2");
    expect(errors).toEqual([]);
    await page.close();
  });

  it("shows the error of a failed run", async () => {
    const folder = path.join(dir, "empty");
    await mkdir(folder);
    const id = await startFolderRun(folder);
    expect(await waitForRun(id)).toBe("failed");
    const { page, errors } = await openConsole(browser, `/runs/${id}`);
    await expect(page.getByTestId("run-status").textContent()).resolves.toBe("failed");
    const error = page.getByRole("region", { name: "Error" });
    await expect(error.textContent()).resolves.toContain("was not found");
    expect(errors).toEqual([]);
    await page.close();
  });
});
