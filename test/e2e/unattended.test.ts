/**
 * Running unattended, in Chromium and over HTTP: webhooks saved on the Settings page get a test (shown with its
 * outcome among the recent deliveries, by scheme and host only); a run started through the console's API that
 * fails sends exactly one `run.failed` linking to its page (a second `next start`, instance B, with
 * NOTIFY_URLS, CONSOLE_URL, a mirror stale after a second and IMDb standing in as a local server answering 404);
 * its log is on its page and at /api/runs/:id/log; the overview says how old the mirror is and warns when it
 * is stale; the Quality page lists each check's count (equal to a direct count) with its examples linked, and
 * /api/quality and /api/metrics say the same.
 */
import type { IncomingMessage } from "node:http";
import mysql from "mysql2/promise";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import type { ImdbStatusResponse, QualityResponse, RunLogResponse } from "../../lib/api/contract";
import type { NotifyBody } from "../../lib/notify";
import { type ConsoleServer, startConsole } from "../../scripts/console-server";
import { launchBrowser } from "../helpers/browser";
import { startServer, type TestServer } from "../helpers/http-server";
import { type ConsolePage, ensureSampleLoaded, openConsole, waitForRun } from "./console-page";

const readBody = (req: IncomingMessage) =>
  new Promise<string>((resolve) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
  });

describe("notifications, staleness, quality and run logs in the console", () => {
  let browser: Browser;
  let hook: TestServer;
  let imdb: TestServer;
  let b: ConsoleServer;
  let connection: mysql.Connection;
  const received: { path: string; body: NotifyBody }[] = [];
  const opened: ConsolePage[] = [];
  const open = async (path: string, base = inject("baseUrl")) => {
    const consolePage = await openConsole(browser, path, base);
    opened.push(consolePage);
    return consolePage.page;
  };

  beforeAll(async () => {
    browser = await launchBrowser();
    hook = await startServer();
    hook.handle(async (req, res) => {
      received.push({ path: req.url ?? "", body: JSON.parse(await readBody(req)) as NotifyBody });
      res.writeHead(204);
      res.end();
    });
    imdb = await startServer(); // answers 404 to everything: every table of a sync from it fails
    await ensureSampleLoaded();
    b = await startConsole({
      ...process.env,
      DATABASE_URL: inject("databaseUrl"),
      CONSOLE_SCHEDULER: "off",
      NOTIFY_URLS: `${hook.url}env/S3CRET`,
      CONSOLE_URL: "https://imdb.example.org/console",
      IMDB_BASE_URL: imdb.url,
      HTTP_RETRIES: "0",
      STALE_AFTER_HOURS: "0.0003",
    });
    connection = await mysql.createConnection({ uri: inject("databaseUrl") });
  });
  afterAll(async () => {
    await connection?.query("DELETE FROM notify_settings");
    await connection?.end();
    b?.stop();
    await hook?.close();
    await imdb?.close();
    await browser?.close();
  });

  it("saves webhooks on the Settings page, refuses a bad one, and sends a test shown among the deliveries", async () => {
    const page = await open("/settings");
    const form = page.getByRole("form", { name: "Notifications" });
    await form.getByLabel("Webhook URLs").fill("ftp://files.example.org/hook");
    await form.getByRole("button", { name: "Save webhooks" }).click();
    await expect.poll(() => form.getByRole("alert").textContent()).toMatch(/not an http\(s\) URL: ftp:\/\/files/);
    await form.getByLabel("Webhook URLs").fill(`${hook.url}settings/T0KEN`);
    await form.getByRole("button", { name: "Save webhooks" }).click();
    await expect.poll(() => form.getByRole("status").textContent()).toBe("Saved: 1 webhook(s) stored here.");
    await form.getByRole("button", { name: "Send a test" }).click();
    const origin = hook.url.replace(/\/$/, "");
    await expect.poll(() => form.getByRole("status").textContent()).toBe(`Test sent. ${origin}: delivered`);
    expect(received.filter((r) => r.body.event === "test").map((r) => r.path)).toEqual(["/settings/T0KEN"]);
    const deliveries = page.getByRole("region", { name: "Recent deliveries" });
    await expect.poll(() => deliveries.locator("tbody tr").first().textContent()).toContain(origin);
    const first = await deliveries.locator("tbody tr").first().textContent();
    expect(first).toContain("test");
    expect(first).toContain("delivered (HTTP 204, try 1)");
    expect(await page.content()).not.toContain("T0KEN</td>");
    // The refused save is the one failed resource load; nothing else went wrong.
    expect(opened.at(-1)?.errors).toEqual([
      "Failed to load resource: the server responded with a status of 400 (Bad Request)",
    ]);
    await form.getByLabel("Webhook URLs").fill("");
    await form.getByRole("button", { name: "Save webhooks" }).click();
    await expect.poll(() => form.getByRole("status").textContent()).toBe("Saved: 0 webhook(s) stored here.");
  });

  it("a run started through the console's API that fails sends exactly one run.failed, linking to its page", async () => {
    await connection.query("DELETE FROM notify_settings"); // NOTIFY_URLS alone
    const response = await fetch(`${b.baseUrl}/api/runs`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ mode: "incremental", source: "imdb", tables: ["title_ratings", "title_crew"] }),
    });
    expect(response.status).toBe(202);
    const { id } = (await response.json()) as { id: number };
    expect(await waitForRun(id)).toBe("failed");
    const failed = () => received.filter((r) => r.body.event === "run.failed" && r.body.run?.id === id);
    await expect.poll(() => failed().length, { timeout: 20_000 }).toBe(1);
    await new Promise((resolve) => setTimeout(resolve, 1000));
    expect(failed()).toHaveLength(1);
    expect(failed()[0]).toMatchObject({
      path: "/env/S3CRET",
      body: {
        event: "run.failed",
        url: `https://imdb.example.org/console/runs/${id}`,
        run: { id, mode: "incremental", status: "failed", trigger: "web" },
      },
    });
    expect(failed()[0]?.body.run?.tables.map((t) => [t.table, t.status])).toEqual([
      ["title_crew", "failed"],
      ["title_ratings", "failed"],
    ]);

    // Its log, on its page and over HTTP.
    const log = (await (await fetch(`${inject("baseUrl")}/api/runs/${id}/log`)).json()) as RunLogResponse;
    expect(log.lines.map((l) => [l.level, l.table, l.message.split(":")[0]])).toEqual(
      expect.arrayContaining([
        ["info", null, "sync started"],
        ["error", "title_ratings", "table failed"],
        ["error", "title_crew", "table failed"],
        ["info", null, "sync finished"],
      ]),
    );
    expect((await fetch(`${inject("baseUrl")}/api/runs/999999/log`)).status).toBe(404);
    const page = await open(`/runs/${id}`);
    const table = page.getByRole("region", { name: "Run log" });
    await expect.poll(() => table.locator('tr[data-level="error"]').count()).toBe(2);
    expect(await table.locator('tr[data-level="error"]').first().textContent()).toMatch(/table failed: .*404/);
  });

  it("the overview says how old the mirror is, and warns when it is stale", async () => {
    const status = (await (await fetch(`${b.baseUrl}/api/imdb-status`)).json()) as ImdbStatusResponse;
    expect(status).toMatchObject({ stale: true, staleAfterHours: 0.0003 });
    expect(Date.parse(status.lastSuccessAt ?? "")).toBeLessThan(Date.now());
    const fresh = (await (await fetch(`${inject("baseUrl")}/api/imdb-status`)).json()) as ImdbStatusResponse;
    expect(fresh).toMatchObject({ stale: false, staleAfterHours: 36, lastSuccessAt: status.lastSuccessAt });

    const stalePage = await open("/", b.baseUrl);
    await expect
      .poll(() => stalePage.getByRole("alert", { name: "Stale mirror" }).textContent())
      .toMatch(/The mirror is stale: no successful sync for 0 hours/);
    const page = await open("/");
    expect(await page.getByTestId("mirror-age").textContent()).toMatch(
      /^Last successful sync: .* \(0 hours ago, run #\d+\)\.$/,
    );
    expect(await page.getByRole("alert", { name: "Stale mirror" }).count()).toBe(0);
  });

  it("the Quality page shows each check's count with its examples linked, as /api/quality and /api/metrics do", async () => {
    const quality = (await (await fetch(`${inject("baseUrl")}/api/quality`)).json()) as QualityResponse;
    expect(quality.checks.map((c) => c.name)).toContain("principals_unknown_name");
    const [[direct]] = (await connection.query(
      "SELECT COUNT(*) AS n FROM title_principals c LEFT JOIN name_basics p ON p.nconst = c.nconst WHERE c.nconst IS NOT NULL AND p.nid IS NULL",
    )) as unknown as [[{ n: number }]];
    const unknownNames = quality.checks.find((c) => c.name === "principals_unknown_name");
    expect(unknownNames?.rows).toBe(Number(direct.n));
    expect(unknownNames?.examples.length).toBe(Math.min(5, Number(direct.n)));

    const metrics = await (await fetch(`${inject("baseUrl")}/api/metrics`)).text();
    expect(metrics).toContain(`imdb_quality_rows{check="principals_unknown_name"} ${direct.n}`);

    const page = await open("/quality");
    const row = page.locator('tr[data-check="principals_unknown_name"]');
    await expect.poll(() => row.locator("td").nth(2).textContent()).toBe(Number(direct.n).toLocaleString("en-US"));
    await page.getByRole("button", { name: "Check now" }).click();
    await expect.poll(() => row.locator("td").nth(4).textContent()).toMatch(/^full, /);
    const example = row.getByRole("link").first();
    const key = await example.textContent();
    await example.click();
    await page.waitForURL(`**/names/${key}`);
    const again = await open("/quality");
    expect(
      await again.getByRole("region", { name: "Counts over the last runs" }).locator("tbody tr").count(),
    ).toBeGreaterThan(0);
    // A missing person's page answers 404 (the browser logs it); nothing else went wrong on any page.
    for (const p of opened.slice(1)) expect(p.errors.filter((e) => !e.includes("status of 404"))).toEqual([]);
  });
});
