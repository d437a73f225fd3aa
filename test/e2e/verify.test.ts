/**
 * Verify and repair from the console in Chromium: rows changed behind the engine's back with SQL are found by
 * a verify started from the sync controls, the run's page shows the drift with its examples, and its repair
 * button starts the repair, after which a verify finds nothing.
 */
import mysql from "mysql2/promise";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { launchBrowser } from "../helpers/browser";
import { ensureSampleLoaded, openConsole, waitForRun } from "./console-page";

/** The counters of one table as the run page shows them. */
async function counters(page: Page, table: string): Promise<Record<string, string>> {
  const values: Record<string, string> = {};
  for (const cell of await page.locator(`tr[data-table="${table}"] td[data-counter]`).all()) {
    values[(await cell.getAttribute("data-counter")) ?? ""] = (await cell.textContent()) ?? "";
  }
  return values;
}

describe("verify and repair from the console", () => {
  let browser: Browser;
  beforeAll(async () => {
    await ensureSampleLoaded();
    const connection = await mysql.createConnection({ uri: inject("databaseUrl") });
    try {
      await connection.query("UPDATE title_ratings SET numVotes = numVotes + 1 WHERE tid = 2");
      await connection.query("DELETE FROM title_akas WHERE tid = 1 AND ordering = 2");
    } finally {
      await connection.end();
    }
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await ensureSampleLoaded();
  });

  it("starts a verify that shows the drift on the run's page, then repairs it from there", async () => {
    const { page, errors } = await openConsole(browser, "/runs");
    await page.getByRole("radio", { name: /^Verify/ }).check();
    await page.getByLabel("Source").selectOption("sample");
    await page.getByRole("button", { name: "Start verify" }).click();
    const live = page.getByRole("region", { name: /^Progress of run \d+$/ });
    await live.waitFor();
    const id = Number((await live.getAttribute("aria-label"))?.match(/\d+/)?.[0]);
    await live.getByText("verify from sample").waitFor();
    expect(await waitForRun(id)).toBe("succeeded");

    await page.goto(`${inject("baseUrl")}/runs/${id}`);
    await page.getByRole("heading", { level: 1, name: `Run #${id}` }).waitFor();
    expect(await counters(page, "title_ratings")).toMatchObject({ missing: "0", differing: "1", extra: "0" });
    expect(await counters(page, "title_akas")).toMatchObject({ missing: "1", differing: "0", extra: "0" });
    expect(await counters(page, "title_basics")).toMatchObject({ missing: "0", differing: "0", extra: "0" });
    await expect(page.getByTestId("drift-summary").textContent()).resolves.toContain(
      "2 rows differ from the files in 2 of 7 tables",
    );
    const examples = page.getByRole("region", { name: "Drift examples" }).locator("tbody tr");
    const cells = async (i: number) => (await examples.nth(i).locator("td").allTextContents()).map((t) => t.trim());
    await expect(examples.count()).resolves.toBe(2);
    expect(await cells(0)).toEqual(["title_akas", "missing", "tt0000001", "2", "3"]);
    expect(await cells(1)).toEqual(["title_ratings", "differing", "tt0000002", "—", "3"]);

    await page.getByRole("button", { name: "Repair these tables" }).click();
    await page.waitForURL((url) => /\/runs\/\d+$/.test(url.pathname) && url.pathname !== `/runs/${id}`);
    const repairId = Number(new URL(page.url()).pathname.split("/").at(-1));
    expect(await waitForRun(repairId)).toBe("succeeded");
    await page.reload();
    await expect(page.getByText("incremental (repair) from sample").count()).resolves.toBe(1);
    expect(await counters(page, "title_ratings")).toMatchObject({ updated: "1", inserted: "0", deleted: "0" });
    expect(await counters(page, "title_akas")).toMatchObject({ inserted: "1", updated: "0", deleted: "0" });
    await expect(page.locator("tr[data-table]").count()).resolves.toBe(2);
    expect(errors).toEqual([]);
    await page.close();

    // A verify after the repair finds nothing, and its page says so.
    const response = await fetch(`${inject("baseUrl")}/api/runs`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ mode: "verify", source: "sample" }),
    });
    const { id: cleanId } = (await response.json()) as { id: number };
    expect(await waitForRun(cleanId)).toBe("succeeded");
    const clean = await openConsole(browser, `/runs/${cleanId}`);
    await clean.page.getByText("No drift: every verified table holds exactly the rows of its file.").waitFor();
    await expect(clean.page.getByRole("button", { name: "Repair these tables" }).count()).resolves.toBe(0);
    expect(clean.errors).toEqual([]);
    await clean.page.close();
  });

  it("starts a verify or a repair only through the guard of the other run actions", async () => {
    const post = (headers: Record<string, string>, body: unknown) =>
      fetch(`${inject("baseUrl")}/api/runs`, { method: "POST", headers, body: JSON.stringify(body) });
    const repair = { mode: "verify", source: "sample", repair: true };
    const json = { "content-type": "application/json" };
    expect((await post({ ...json, origin: "http://attacker.example" }, repair)).status).toBe(403);
    expect((await post({ ...json, "sec-fetch-site": "cross-site" }, repair)).status).toBe(403);
    expect((await post({ "content-type": "text/plain" }, repair)).status).toBe(415);
    const refused = await post(json, { mode: "incremental", source: "sample", repair: true });
    expect(refused.status).toBe(400);
    await expect(refused.json()).resolves.toMatchObject({
      code: "BAD_REQUEST",
      message: expect.stringContaining("repair"),
    });
  });
});
