/**
 * The guard in front of the console with auth off (the local default): only loopback Host names are served
 * (no DNS rebinding), no state change comes from another site, the API takes JSON only and no folder source,
 * and every page carries the security headers and a CSP it passes.
 */
import { request as httpRequest } from "node:http";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { launchBrowser } from "../helpers/browser";
import { openConsole } from "./console-page";

/** A GET with any Host header (fetch would not let the test set it). */
function getWithHost(url: string, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { headers: { host } }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on("error", reject);
    req.end();
  });
}

const start = (headers: Record<string, string>, body = JSON.stringify({ mode: "incremental", source: "sample" })) =>
  fetch(`${inject("baseUrl")}/api/runs`, { method: "POST", headers, body });

describe("the guard with auth off", () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
  });

  it("serves loopback names only: a rebinding DNS name is refused", async () => {
    const port = new URL(inject("baseUrl")).port;
    expect(await getWithHost(`${inject("baseUrl")}/runs`, `127.0.0.1:${port}`)).toBe(200);
    expect(await getWithHost(`${inject("baseUrl")}/runs`, `localhost:${port}`)).toBe(200);
    expect(await getWithHost(`${inject("baseUrl")}/runs`, `rebind.attacker.example:${port}`)).toBe(403);
    expect(await getWithHost(`${inject("baseUrl")}/api/runs`, "attacker.example")).toBe(403);
  });

  it("refuses a cross-site text/plain form post and a foreign Origin before anything starts", async () => {
    const plain = await start({ "content-type": "text/plain" });
    expect(plain.status).toBe(415);
    expect(await plain.json()).toMatchObject({ code: "UNSUPPORTED_MEDIA_TYPE" });
    const foreign = await start({ "content-type": "application/json", origin: "https://attacker.example" });
    expect(foreign.status).toBe(403);
    expect(await foreign.json()).toMatchObject({ code: "FORBIDDEN" });
    const crossSite = await start({ "content-type": "application/json", "sec-fetch-site": "cross-site" });
    expect(crossSite.status).toBe(403);
    const runs = (await (await fetch(`${inject("baseUrl")}/api/runs`)).json()) as { runs: { source: string }[] };
    expect(runs.runs.every((r) => r.source !== "attacker")).toBe(true);
  });

  it("refuses a folder source, a repeated table and an oversized body from the API", async () => {
    const json = { "content-type": "application/json" };
    const folder = await start(json, JSON.stringify({ mode: "incremental", source: "/etc" }));
    expect(folder.status).toBe(400);
    expect(await folder.json()).toMatchObject({ code: "BAD_REQUEST", message: expect.stringContaining("source") });
    const twice = await start(
      json,
      JSON.stringify({ mode: "incremental", source: "sample", tables: ["title_basics", "title_basics"] }),
    );
    expect(twice.status).toBe(400);
    const big = await start(json, JSON.stringify({ mode: "incremental", source: "sample", pad: "x".repeat(20_000) }));
    expect(big.status).toBe(413);
  });

  it("sends the security headers, and the pages pass their Content-Security-Policy", async () => {
    const response = await fetch(`${inject("baseUrl")}/runs`);
    const csp = response.headers.get("content-security-policy") ?? "";
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toMatch(/script-src 'self' 'nonce-[A-Za-z0-9+/=]+'/);
    expect(response.headers.get("x-frame-options")).toBe("DENY");
    expect(response.headers.get("x-content-type-options")).toBe("nosniff");
    expect(response.headers.get("referrer-policy")).toBe("same-origin");
    const nonce = /'nonce-([^']+)'/.exec(csp)?.[1];
    expect(await response.text()).toContain(`nonce="${nonce}"`);

    for (const path of ["/", "/runs", "/genres", "/search?q=a"]) {
      const session = await openConsole(browser, path);
      await session.page.waitForLoadState("networkidle");
      expect(session.errors, path).toEqual([]);
      await session.page.close();
    }
  });
});
