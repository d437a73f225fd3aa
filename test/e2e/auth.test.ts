/**
 * Access control, on a second `next start` of the same build with ADMIN_PASSWORD and ADMIN_TOKEN set:
 * pages send people to the login page (a client-side navigation request too), the API answers 401 without a
 * session or token, sessions end on logout and at their expiry, and wrong passwords are throttled.
 */
import mysql from "mysql2/promise";
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
    const verify = JSON.stringify({ mode: "verify", source: "sample", repair: true });
    expect((await fetch(`${baseUrl}/api/runs`, { ...start, body: verify })).status).toBe(401);
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

  it("guards the history and schedule routes and pages like every other", async () => {
    const routes = [
      "/api/schedule",
      "/api/runs/1/changes",
      "/api/titles/tt0000001/history",
      "/api/names/nm0000001/history",
      "/api/tables/title_ratings/history?key=tt0000001",
    ];
    const right = { authorization: `Bearer ${token}` };
    for (const route of routes) {
      expect((await fetch(`${baseUrl}${route}`)).status, route).toBe(401);
      expect([200, 404], route).toContain((await fetch(`${baseUrl}${route}`, { headers: right })).status);
    }
    const schedule = {
      method: "PUT",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        enabled: true,
        cron: "* * * * *",
        timezone: "UTC",
        mode: "incremental",
        source: "imdb",
        tables: ["title_ratings"],
      }),
    };
    expect((await fetch(`${baseUrl}/api/schedule`, schedule)).status).toBe(401);
    for (const page of ["/changes", "/titles/tt0000001", "/names/nm0000001", "/settings"]) {
      const response = await fetch(`${baseUrl}${page}`, { redirect: "manual" });
      expect(response.status, page).toBe(303);
      expect(response.headers.get("location"), page).toMatch(/\/login$/);
    }
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

  /** Logs in through the API; returns the Cookie header to send. */
  async function logIn(): Promise<string> {
    const response = await fetch(`${baseUrl}/api/session`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ password }),
    });
    expect(response.status).toBe(204);
    const cookie = response.headers.get("set-cookie") ?? "";
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Strict/);
    return cookie.split(";")[0] ?? "";
  }

  it("gives a client-side navigation request (RSC) without a session no data, only the way to the login page", async () => {
    const tree = encodeURIComponent(JSON.stringify(["", { children: ["(console)", { children: ["runs", {}] }] }]));
    const response = await fetch(`${baseUrl}/runs?_rsc=x`, {
      headers: { rsc: "1", "next-router-state-tree": tree, "next-url": "/runs" },
      redirect: "manual",
    });
    expect(response.status).toBe(303);
    expect(response.headers.get("location")).toMatch(/\/login$/);
    expect(await response.text()).not.toContain("sample");
  });

  it("ends a session on logout and at its expiry: the old cookie is refused", async () => {
    const cookie = await logIn();
    expect((await fetch(`${baseUrl}/api/runs`, { headers: { cookie } })).status).toBe(200);
    const logout = await fetch(`${baseUrl}/logout`, {
      method: "POST",
      headers: { cookie, origin: baseUrl },
      redirect: "manual",
    });
    expect(logout.status).toBe(303);
    expect((await fetch(`${baseUrl}/api/runs`, { headers: { cookie } })).status).toBe(401);
    const page = await fetch(`${baseUrl}/runs`, { headers: { cookie }, redirect: "manual" });
    expect(page.status).toBe(303);

    const expiring = await logIn();
    expect((await fetch(`${baseUrl}/api/runs`, { headers: { cookie: expiring } })).status).toBe(200);
    const connection = await mysql.createConnection({ uri: inject("databaseUrl") });
    await connection.query("UPDATE console_sessions SET expires_at = NOW(3) - INTERVAL 1 SECOND");
    await connection.end();
    expect((await fetch(`${baseUrl}/api/runs`, { headers: { cookie: expiring } })).status).toBe(401);

    const forged = "imdb_session=0000000000000000000000000000000000000000000";
    expect((await fetch(`${baseUrl}/api/runs`, { headers: { cookie: forged } })).status).toBe(401);
  });

  it("refuses a cross-site logout and a state change with a foreign Origin even with a session", async () => {
    const cookie = await logIn();
    const start = await fetch(`${baseUrl}/api/runs`, {
      method: "POST",
      headers: { cookie, "content-type": "application/json", origin: "https://attacker.example" },
      body: JSON.stringify({ mode: "incremental", source: "sample" }),
    });
    expect(start.status).toBe(403);
    const logout = await fetch(`${baseUrl}/logout`, {
      method: "POST",
      headers: { cookie, "sec-fetch-site": "cross-site" },
      redirect: "manual",
    });
    expect(logout.status).toBe(403);
    expect((await fetch(`${baseUrl}/api/runs`, { headers: { cookie } })).status).toBe(200);
  });

  // Last: it throttles this address for the rest of the run.
  it("throttles the 6th wrong password in a row with 429 and Retry-After", async () => {
    const attempt = () =>
      fetch(`${baseUrl}/api/session`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ password: "guess" }),
      });
    for (let i = 0; i < 5; i++) expect((await attempt()).status).toBe(401);
    const sixth = await attempt();
    expect(sixth.status).toBe(429);
    expect(Number(sixth.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(await sixth.json()).toMatchObject({ code: "THROTTLED" });
    // Even the right password waits until the address is let through again.
    const right = await fetch(`${baseUrl}/api/session`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ password }),
    });
    expect(right.status).toBe(429);
  });
});
