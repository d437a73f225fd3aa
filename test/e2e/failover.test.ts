/**
 * The console stays up when its database node dies: a console instance whose DATABASE_URL goes through a TCP
 * proxy (node A) and whose DATABASE_HOSTS names the server itself (node B, the same data, as another node of
 * a cluster). Once node A is killed, the health check answers through node B and the pages work in Chromium.
 */
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { type ConsoleServer, startConsole, waitFor } from "../../scripts/console-server";
import { launchBrowser } from "../helpers/browser";
import { startTcpProxy, type TcpProxy } from "../helpers/tcp-proxy";
import { openConsole } from "./console-page";

describe("a console whose database node dies", () => {
  let browser: Browser;
  let proxy: TcpProxy;
  let console_: ConsoleServer;
  beforeAll(async () => {
    browser = await launchBrowser();
    proxy = await startTcpProxy(inject("databaseUrl"));
    const nodeB = new URL(inject("databaseUrl"));
    console_ = await startConsole({
      ...process.env,
      DATABASE_URL: proxy.through(inject("databaseUrl")),
      DATABASE_HOSTS: nodeB.host,
      // This instance only watches its nodes; the schedule is the other tests' business.
      CONSOLE_SCHEDULER: "off",
    });
  });
  afterAll(async () => {
    console_?.stop();
    await proxy?.kill().catch(() => {});
    await browser?.close();
  });

  it("moves to the next node that answers, and its pages keep working", async () => {
    const health = async () => (await (await fetch(`${console_.baseUrl}/api/health`)).json()) as { node?: string };
    expect((await health()).node).toBe(`127.0.0.1:${proxy.port}`);
    const before = await openConsole(browser, "/runs", console_.baseUrl);
    await before.page.getByRole("heading", { name: "Runs", level: 1 }).waitFor();

    await proxy.kill();
    const nodeB = new URL(inject("databaseUrl")).host;
    // The watch moves within seconds by itself; the health check also moves at once when asked.
    await waitFor("the console on node B", async () => ((await health()).node === nodeB ? true : undefined), 20_000);
    const after = await openConsole(browser, "/runs", console_.baseUrl);
    await after.page.getByRole("heading", { name: "Runs", level: 1 }).waitFor();
    await after.page
      .getByRole("region", { name: "Start a sync" })
      .or(after.page.getByText("History"))
      .first()
      .waitFor();
    const settings = await openConsole(browser, "/settings", console_.baseUrl);
    await settings.page.getByRole("form", { name: "Schedule" }).waitFor();
    expect([...after.errors, ...settings.errors]).toEqual([]);
  });
});
