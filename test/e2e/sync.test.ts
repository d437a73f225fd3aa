import mysql from "mysql2/promise";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { tableNames } from "../../lib/catalog/datasets";
import { runLockName } from "../../lib/run-record/states";
import { launchBrowser } from "../helpers/browser";
import { type ConsolePage, openConsole, sampleLineCounts } from "./console-page";

/** The counters of one table as the run detail page shows them. */
async function detailCounters(page: Page, table: string): Promise<Record<string, number>> {
  const cells = page.locator(`tr[data-table="${table}"] td[data-counter]`);
  const values: Record<string, number> = {};
  for (const cell of await cells.all()) {
    const name = await cell.getAttribute("data-counter");
    if (name) values[name] = Number((await cell.textContent())?.replaceAll(",", ""));
  }
  return values;
}

/** Wraps EventSource in the page so the test can see every progress event the server pushed. */
function recordProgressEvents() {
  const statuses: string[] = [];
  (window as unknown as { progressStatuses: string[] }).progressStatuses = statuses;
  const Original = window.EventSource;
  window.EventSource = class extends Original {
    constructor(url: string | URL, init?: EventSourceInit) {
      super(url, init);
      this.addEventListener("progress", (event) => {
        statuses.push((JSON.parse((event as MessageEvent<string>).data) as { run: { status: string } }).run.status);
      });
    }
  };
}

async function runIdFromLivePanel(page: Page): Promise<number> {
  const heading = page.getByRole("region", { name: /^Progress of run \d+$/ });
  await heading.waitFor();
  const label = await heading.getAttribute("aria-label");
  return Number(label?.match(/\d+/)?.[0]);
}

describe("syncing from the console in Chromium", () => {
  let browser: Browser;
  let session: ConsolePage;
  const expected = sampleLineCounts();

  beforeAll(async () => {
    // Start from empty tables, whichever test file ran before this one.
    const connection = await mysql.createConnection({ uri: inject("databaseUrl") });
    // Emptied behind the engine's back: the fingerprints of the files the tables equalled go too.
    for (const table of [...tableNames, "title_genres", "genres", "etl_table_files"]) {
      await connection.query(`DELETE FROM \`${table}\``);
    }
    await connection.end();
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
  });

  it("offers the bundled sample when there is no data yet", async () => {
    session = await openConsole(browser, "/");
    await expect(session.page.getByText("No data yet").count()).resolves.toBe(1);
    await expect(session.page.getByRole("button", { name: "Load the bundled sample" }).count()).resolves.toBe(1);
    expect(session.errors).toEqual([]);
    await session.page.close();
  });

  it("starts an incremental sync of the sample, shows live progress and the finished run's counts", async () => {
    session = await openConsole(browser, "/runs");
    const { page } = session;
    await page.evaluate(recordProgressEvents);
    await page.getByRole("radio", { name: /^Incremental sync/ }).check();
    await page.getByLabel("Source").selectOption("sample");
    await page.getByRole("button", { name: "Start sync" }).click();
    const runId = await runIdFromLivePanel(page);
    const live = page.getByRole("region", { name: `Progress of run ${runId}` });
    await live.locator("tbody tr").first().waitFor();
    await expect(live.locator("tbody tr").count()).resolves.toBe(tableNames.length);
    await live.getByTestId("live-status").getByText("succeeded").waitFor({ timeout: 60_000 });
    const pushed = await page.evaluate(() => (window as unknown as { progressStatuses: string[] }).progressStatuses);
    // The sample syncs in well under a second, so "running" may fall between two polls of the server (every
    // 500 ms); cancel.test.ts follows a run that is held open and sees it running.
    expect(pushed.length, "progress events pushed by the server").toBeGreaterThan(1);
    expect(pushed.at(-1)).toBe("succeeded");

    await page.goto(`${inject("baseUrl")}/runs`);
    const history = page.getByRole("region", { name: "Run history" });
    const runRow = history.locator("tbody tr", { has: page.getByRole("link", { name: `#${runId}` }) });
    const total = Object.values(expected).reduce((a, b) => a + b, 0);
    await expect(runRow.textContent()).resolves.toContain("succeeded");
    await expect(runRow.textContent()).resolves.toContain(total.toLocaleString("en-US"));

    await runRow.getByRole("link", { name: `#${runId}` }).click();
    await page.getByRole("heading", { level: 1, name: `Run #${runId}` }).waitFor();
    for (const table of tableNames) {
      const counters = await detailCounters(page, table);
      expect(counters, table).toMatchObject({
        read: expected[table],
        inserted: expected[table],
        updated: 0,
        deleted: 0,
        rejected: 0,
      });
    }
    await expect(page.getByText("No line was rejected in this run.").count()).resolves.toBe(1);
    expect(session.errors).toEqual([]);
    await page.close();
  });

  it("refuses a second start while a sync runs and says why", async () => {
    const connection = await mysql.createConnection({ uri: inject("databaseUrl") });
    try {
      const [result] = await connection.query(
        "INSERT INTO etl_runs (mode, `trigger`, source, tables, status, heartbeat_at, started_at) VALUES ('incremental', 'cli', 'sample', 'title_basics', 'running', NOW(3), NOW(3))",
      );
      const busyId = (result as { insertId: number }).insertId;
      // A live run holds its run lock (lib/run-record/record.ts); without it the run would count as dead.
      await connection.query(`SELECT GET_LOCK(${runLockName(busyId)}, 0)`);
      session = await openConsole(browser, "/runs");
      const { page } = session;
      const response = page.waitForResponse((r) => r.url().endsWith("/api/runs") && r.request().method() === "POST");
      await page.getByRole("button", { name: "Start sync" }).click();
      expect((await response).status()).toBe(409);
      const alert = page.getByRole("alert").filter({ hasText: "already running" });
      await expect(alert.textContent()).resolves.toContain(`run #${busyId}`);
      await connection.query("UPDATE etl_runs SET status = 'cancelled', finished_at = NOW(3) WHERE id = ?", [busyId]);
      // The console's own API rejects a 409 too: the browser logs it as a failed resource load.
      expect(session.errors.filter((e) => !e.includes("409"))).toEqual([]);
      await page.close();
    } finally {
      await connection.end();
    }
  });

  it("asks before a first build replaces data, then builds every table", async () => {
    // The API refuses an unconfirmed first build over tables with data; the page confirms in a dialog.
    const refused = await fetch(`${inject("baseUrl")}/api/runs`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ mode: "first-run", source: "sample" }),
    });
    expect(refused.status).toBe(428);
    expect(await refused.json()).toMatchObject({
      code: "CONFIRM_REPLACE",
      message: expect.stringContaining("replaces the contents"),
      details: { tables: expect.arrayContaining(["title_basics"]) },
    });
    const bad = await fetch(`${inject("baseUrl")}/api/runs`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ mode: "sideways", source: "sample" }),
    });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({
      code: "BAD_REQUEST",
      message: expect.stringContaining("mode"),
      details: expect.any(Array),
    });
    session = await openConsole(browser, "/runs");
    const { page } = session;
    await page.getByRole("radio", { name: /^First build/ }).check();
    await page.getByRole("button", { name: "Start sync" }).click();
    const dialog = page.getByRole("dialog", { name: "Replace the data with a first build?" });
    await expect(dialog.textContent()).resolves.toContain("title_basics");
    await dialog.getByRole("button", { name: "Keep my data" }).click();
    await expect(dialog.isVisible()).resolves.toBe(false);
    await page.getByRole("button", { name: "Start sync" }).click();
    await dialog.getByRole("button", { name: "Replace and build" }).click();
    const runId = await runIdFromLivePanel(page);
    const live = page.getByRole("region", { name: `Progress of run ${runId}` });
    await live.getByTestId("live-status").getByText("succeeded").waitFor({ timeout: 60_000 });
    await page.goto(`${inject("baseUrl")}/runs/${runId}`);
    await expect(page.getByTestId("run-status").textContent()).resolves.toBe("succeeded");
    for (const table of tableNames) {
      const counters = await detailCounters(page, table);
      expect(counters, table).toMatchObject({ read: expected[table], inserted: expected[table], rejected: 0 });
    }
    await expect(page.getByText("first-run from sample").count()).resolves.toBe(1);
    expect(session.errors).toEqual([]);
    await page.close();
  });

  it("filters the run history by mode and status", async () => {
    session = await openConsole(browser, "/runs");
    const { page } = session;
    const history = page.getByRole("region", { name: "Run history" });
    await page.getByLabel("Mode").selectOption("first-run");
    await page.getByRole("button", { name: "Filter" }).click();
    await page.waitForURL(/mode=first-run/);
    const modes = await history.locator("tbody tr td:nth-child(3)").allTextContents();
    expect(modes.length).toBeGreaterThan(0);
    expect(new Set(modes)).toEqual(new Set(["first-run"]));
    await page.getByLabel("Mode").selectOption("");
    await page.getByLabel("Status").selectOption("cancelled");
    await page.getByRole("button", { name: "Filter" }).click();
    await page.waitForURL(/status=cancelled/);
    // The run the 409 test faked was recorded as started from the command line (other files may add their own).
    const rows = await history.locator("tbody tr").allTextContents();
    expect(rows.every((r) => r.includes("cancelled"))).toBe(true);
    expect(rows.some((r) => r.includes("cli"))).toBe(true);
    // No run stays queued once the tests have waited for theirs (other files add failed runs of their own).
    await page.getByLabel("Status").selectOption("queued");
    await page.getByRole("button", { name: "Filter" }).click();
    await page.getByText("No runs match these filters.").waitFor();
    expect(session.errors).toEqual([]);
    await page.close();
  });
});
