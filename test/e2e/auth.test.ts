/**
 * Access control, on a second `next start` of the same build with ADMIN_PASSWORD and ADMIN_TOKEN set:
 * pages send people to the login page, the API answers 401 without a session or token.
 */
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { type ConsoleServer, startConsole } from "../../scripts/console-server";
import { launchBrowser } from "../helpers/browser";

const password = "correct horse battery staple";
const token = "e2e-token-0123456789";

describe("access with ADMIN_PASSWORD and ADMIN_TOKEN set", () => {
  let server: ConsoleServer;
  let browser: Browser;
  let baseUrl: string;

  beforeAll(async () => {
    server = await startConsole({
      ...process.env,
      DATABASE_URL: inject("databaseUrl"),
      ADMIN_PASSWORD: password,
      ADMIN_TOKEN: token,
    });
    baseUrl = server.baseUrl;
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    server?.stop();
  });

  it("answers 401 to API calls without credentials, and accepts the bearer token", async () => {
    const start = {
      method: "POST",
      body: JSON.stringify({ mode: "bogus" }),
      headers: { "content-type": "application/json" },
    };
    expect((await fetch(`${baseUrl}/api/runs`, start)).status).toBe(401);
    expect((await fetch(`${baseUrl}/api/runs`)).status).toBe(401);
    expect((await fetch(`${baseUrl}/api/metrics`)).status).toBe(401);
    const wrong = { authorization: "Bearer nope" };
    expect((await fetch(`${baseUrl}/api/runs`, { headers: wrong })).status).toBe(401);
    const right = { authorization: `Bearer ${token}` };
    expect((await fetch(`${baseUrl}/api/runs`, { headers: right })).status).toBe(200);
    // Authorized, but the body is invalid: the request got past auth to validation.
    expect((await fetch(`${baseUrl}/api/runs`, { ...start, headers: { ...start.headers, ...right } })).status).toBe(
      400,
    );
    const metrics = await fetch(`${baseUrl}/api/metrics`, { headers: right });
    expect(await metrics.text()).toContain("imdb_sync_runs{status=");
  });

  it("sends people to the login page, refuses a wrong password and lets the right one in", async () => {
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on("pageerror", (error) => errors.push(error.message));
    await page.goto(`${baseUrl}/runs`);
    await page.waitForURL(/\/login$/);
    await page.getByLabel("Password").fill("wrong");
    await page.getByRole("button", { name: "Log in" }).click();
    await page.getByRole("alert").getByText("That password is not right.").waitFor();
    await page.getByLabel("Password").fill(password);
    await page.getByRole("button", { name: "Log in" }).click();
    await page.waitForURL(`${baseUrl}/`);
    await page.getByRole("heading", { level: 1, name: "IMDb Sync Console" }).waitFor();
    const api = await page.evaluate(async () => (await fetch("/api/runs")).status);
    expect(api).toBe(200);
    await page.getByRole("button", { name: "Log out" }).click();
    await page.waitForURL(/\/login$/);
    expect(errors).toEqual([]);
    await page.close();
  });
});
