/**
 * The schedule on the settings page and several console instances on one database, in Chromium: a second
 * `next start` (instance B) runs beside the global one (instance A). A schedule saved on A shows its next runs
 * and is seen on B; both instances run it and each tick fires once; a tick that finds a run active is
 * skipped and shown; two starts at once on A and B run once; a run started on one is followed on the other.
 */
import mysql from "mysql2/promise";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { getDb } from "../../lib/db";
import { finishRun } from "../../lib/run-record/states";
import { type ConsoleServer, startConsole, waitFor } from "../../scripts/console-server";
import { launchBrowser } from "../helpers/browser";
import { queueRun } from "../helpers/engine-run";
import { type ConsolePage, openConsole, waitForRun } from "./console-page";

interface FiringRow {
  due: Date;
  outcome: string;
  runId: number | null;
  firedBy: string;
}

describe("schedules and several console instances", () => {
  let browser: Browser;
  let b: ConsoleServer;
  let connection: mysql.Connection;
  const opened: ConsolePage[] = [];
  beforeAll(async () => {
    browser = await launchBrowser();
    b = await startConsole({ ...process.env, DATABASE_URL: inject("databaseUrl"), SCHEDULE_POLL_SECONDS: "1" });
    connection = await mysql.createConnection({ uri: inject("databaseUrl"), timezone: "Z" });
  });
  afterAll(async () => {
    // Later test files share the database: the schedule must not go on firing.
    await connection?.query("UPDATE etl_schedule SET enabled = 0");
    await connection?.end();
    b?.stop();
    await browser?.close();
  });

  const open = async (path: string, base = inject("baseUrl")) => {
    const consolePage = await openConsole(browser, path, base);
    opened.push(consolePage);
    return consolePage.page;
  };
  const firings = async () => {
    const [rows] = await connection.query(
      "SELECT due_at AS due, outcome, run_id AS runId, fired_by AS firedBy FROM etl_schedule_firings ORDER BY id",
    );
    return rows as FiringRow[];
  };
  const form = (page: Page) => page.getByRole("form", { name: "Schedule" });
  async function saveSchedule(page: Page, fields: { on: boolean; cron: string; zone: string; tables?: string[] }) {
    const schedule = form(page);
    await schedule.getByLabel("Run syncs on this schedule").setChecked(fields.on);
    await schedule.getByLabel("Cron expression").fill(fields.cron);
    await schedule.getByLabel("Time zone").fill(fields.zone);
    if (fields.tables) {
      for (const box of await schedule.getByRole("group", { name: "Tables" }).getByRole("checkbox").all()) {
        const name = (await box.locator("xpath=..").textContent())?.trim() ?? "";
        await box.setChecked(fields.tables.includes(name));
      }
    }
    await schedule.getByRole("button", { name: "Save schedule" }).click();
  }

  it("saves a schedule, shows its next runs in its time zone, and refuses a bad expression", async () => {
    const page = await open("/settings");
    await saveSchedule(page, { on: true, cron: "30 3 * * *", zone: "Mars/Olympus" });
    await expect.poll(() => form(page).getByRole("alert").textContent()).toMatch(/Unknown time zone "Mars\/Olympus"/);
    await saveSchedule(page, { on: true, cron: "61 * * * *", zone: "UTC" });
    await expect.poll(() => form(page).getByRole("alert").textContent()).toMatch(/Invalid cron expression "61/);

    // The browser logs each refused save (HTTP 400) as a failed resource; nothing else may go wrong.
    const refused = "Failed to load resource: the server responded with a status of 400 (Bad Request)";
    expect(opened[0]?.errors).toEqual([refused, refused]);
    opened[0]?.errors.splice(0);

    await saveSchedule(page, { on: true, cron: "0 0 1 1 *", zone: "Europe/Berlin" });
    await form(page).getByRole("status").getByText("Saved: the schedule is on.").waitFor();
    // Midnight on 1 January in Berlin is 23:00 UTC on 31 December.
    const now = new Date();
    const year = now.getUTCFullYear() + (now.getTime() >= Date.UTC(now.getUTCFullYear(), 11, 31, 23) ? 1 : 0);
    const next = page.getByRole("list", { name: "Next runs" }).getByRole("listitem");
    await expect.poll(() => next.count()).toBe(5);
    expect(await next.first().textContent()).toBe(
      `${year}-12-31 23:00:00 UTC (01/01/${year + 1}, 00:00:00 Europe/Berlin)`,
    );

    // Stored in the database: the other instance shows the same schedule.
    const other = await open("/settings", b.baseUrl);
    expect(await form(other).getByLabel("Cron expression").inputValue()).toBe("0 0 1 1 *");
    expect(await form(other).getByLabel("Time zone").inputValue()).toBe("Europe/Berlin");
  });

  it("fires each tick once across both instances, and skips a tick that finds a run active", async () => {
    const page = await open("/settings");
    await page.getByRole("form", { name: "Schedule" }).getByLabel("Source").selectOption("sample");
    await saveSchedule(page, { on: true, cron: "*/3 * * * * *", zone: "UTC", tables: ["title_ratings"] });
    await form(page).getByRole("status").getByText("Saved: the schedule is on.").waitFor();
    await waitFor("two started ticks", async () =>
      (await firings()).filter((f) => f.outcome === "started").length >= 2 ? true : undefined,
    );

    // A run queued by someone else (as the command line would) is active at the next tick.
    const blocker = await waitFor("a free moment to queue a run", async () =>
      queueRun(inject("databaseUrl"), { mode: "incremental", source: "sample", tables: ["title_ratings"] }),
    );
    const skipped = await waitFor("a skipped tick", async () =>
      (await firings()).find((f) => f.outcome === "skipped" && f.runId === blocker),
    );
    await finishRun(getDb(inject("databaseUrl")), blocker, "cancelled", "Queued by the test to block a tick.");

    await saveSchedule(page, { on: false, cron: "*/3 * * * * *", zone: "UTC" });
    await form(page).getByRole("status").getByText("Saved: the schedule is off.").waitFor();
    await page.getByText("The schedule is off.", { exact: true }).waitFor();

    const all = await firings();
    for (const f of all) expect(f.due.getUTCSeconds() % 3).toBe(0);
    const started = all.filter((f) => f.outcome === "started").map((f) => f.runId);
    const [runs] = await connection.query("SELECT id, status FROM etl_runs WHERE `trigger` = 'schedule' ORDER BY id");
    expect((runs as { id: number }[]).map((r) => r.id)).toEqual(started);
    for (const id of started) expect(await waitForRun(Number(id))).toBe("succeeded");

    // Instance B lists the ticks, the skipped one with the run that was active.
    const other = await open("/settings", b.baseUrl);
    const ticks = other.getByRole("region", { name: "Recent ticks" });
    await ticks.getByRole("cell", { name: `Skipped: run ${blocker} was active.` }).waitFor();
    await ticks.getByRole("link", { name: `#${started[0]}` }).waitFor();
    expect(skipped.due.getUTCMilliseconds()).toBe(0);
  });

  it("runs one of two starts made at once on two instances, and follows it on both", async () => {
    const start = (base: string) =>
      fetch(`${base}/api/runs`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ mode: "incremental", source: "sample", tables: ["title_ratings"] }),
      });
    const answers = await Promise.all([start(inject("baseUrl")), start(b.baseUrl)]);
    expect(answers.map((a) => a.status).sort()).toEqual([202, 409]);
    const winner = answers.find((a) => a.status === 202) as Response;
    const { id } = (await winner.json()) as { id: number };
    const loser = (await answers.find((a) => a.status === 409)?.json()) as { code: string; details: { runId: number } };
    expect(loser).toMatchObject({ code: "SYNC_BUSY", details: { runId: id } });

    for (const base of [inject("baseUrl"), b.baseUrl]) {
      const page = await open(`/runs/${id}`, base);
      await page.getByTestId("run-status").getByText("succeeded").waitFor({ timeout: 60_000 });
    }
    for (const { errors } of opened) expect(errors).toEqual([]);
  });
});
