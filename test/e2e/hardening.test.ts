/**
 * What a stranger tried against a console with a password (issue: hardening): bodies capped while they are read,
 * chunked or not; throttling keyed on the socket's address, not on a header the client chooses, slowing everyone
 * instead of locking the admin out; bounded keys and lenient filters instead of 500s; unknown methods refused;
 * schedules at most once a minute; an anonymous health check that names nothing; only the `__Host-` cookie
 * behind HTTPS.
 */
import { request as httpRequest } from "node:http";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { type ConsoleServer, startConsole } from "../../scripts/console-server";

const password = "correct horse battery staple";
const token = "e2e-hardening-token-0123456789";

/**
 * POSTs `bytes` of `fill` as a chunked body (no Content-Length), in 64 KB chunks; resolves with the status as soon
 * as the server answers, whether or not it read the rest.
 */
function postChunked(url: string, bytes: number, fill = "["): Promise<number> {
  return new Promise((resolve, reject) => {
    const request = httpRequest(url, {
      method: "POST",
      headers: { "content-type": "application/json", "transfer-encoding": "chunked" },
    });
    request.on("response", (response) => {
      response.resume();
      resolve(response.statusCode ?? 0);
    });
    request.on("error", (error) => (request.writableEnded ? undefined : reject(error)));
    const chunk = Buffer.alloc(64 * 1024, fill);
    let sent = 0;
    const pump = () => {
      while (sent < bytes) {
        sent += chunk.length;
        if (!request.write(chunk)) return void request.once("drain", pump);
      }
      request.end();
    };
    pump();
  });
}

/** A raw request with any method and headers (fetch refuses TRACE and sets its own Host). */
function rawRequest(url: string, method: string, headers: Record<string, string> = {}): Promise<number> {
  return new Promise((resolve, reject) => {
    const request = httpRequest(url, { method, headers }, (response) => {
      response.resume();
      resolve(response.statusCode ?? 0);
    });
    request.on("error", reject);
    request.end();
  });
}

const login = (baseUrl: string, body: string, headers: Record<string, string> = {}) =>
  fetch(`${baseUrl}/api/session`, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body,
  });

describe("a console with a password, as a stranger attacks it", () => {
  let direct: ConsoleServer;
  let behindProxy: ConsoleServer;

  beforeAll(async () => {
    const env = {
      ...process.env,
      DATABASE_URL: inject("databaseUrl"),
      ADMIN_PASSWORD: password,
      ADMIN_TOKEN: token,
      SCHEDULE_MIN_INTERVAL_SECONDS: "60",
      CONSOLE_SCHEDULER: "off" as const,
    };
    // One reached directly; one that believes X-Forwarded-For from loopback, as behind a reverse proxy there.
    [direct, behindProxy] = await Promise.all([
      startConsole(env),
      startConsole({ ...env, TRUSTED_PROXIES: "loopback" }),
    ]);
  });
  afterAll(() => {
    direct?.stop();
    behindProxy?.stop();
  });

  it("answers 413 to chunked bodies past the cap, without a login, and still logs people in", async () => {
    expect(await postChunked(`${direct.baseUrl}/api/session`, 10 * 1024 * 1024)).toBe(413);
    expect(await postChunked(`${direct.baseUrl}/api/session`, 8 * 1024, " ")).toBe(413);
    expect(await postChunked(`${direct.baseUrl}/api/runs`, 1024 * 1024)).toBe(413);
    const withLength = await login(direct.baseUrl, JSON.stringify({ password: "x".repeat(5000) }));
    expect(withLength.status).toBe(413);
    const health = await fetch(`${direct.baseUrl}/api/health`);
    expect(health.status).toBe(200);
    const right = await login(direct.baseUrl, JSON.stringify({ password }), { "x-forwarded-for": "198.51.100.1" });
    expect(right.status).toBe(204);
  });

  it("behind a trusted proxy, slows everyone a little when many clients guess, but locks only the guessers out", async () => {
    const as = (client: string, body: string) => login(behindProxy.baseUrl, body, { "x-forwarded-for": client });
    for (let i = 0; i < 25; i++) {
      expect((await as(`192.0.2.${i}`, JSON.stringify({ password: "guess" }))).status).toBe(401);
    }
    for (let i = 0; i < 4; i++) await as("192.0.2.200", JSON.stringify({ password: "guess" }));
    expect((await as("192.0.2.200", JSON.stringify({ password: "guess" }))).status).toBe(401);
    expect((await as("192.0.2.200", JSON.stringify({ password }))).status).toBe(429);
    const started = performance.now();
    const admin = await as("198.51.100.7", JSON.stringify({ password }));
    expect(admin.status).toBe(204);
    // Slowed by the overall limit (a second), not refused.
    expect(performance.now() - started).toBeGreaterThanOrEqual(900);
  });

  it("answers bad keys, filters and run ids with 404 or the page, never 500; unknown methods with 405", async () => {
    const auth = { authorization: `Bearer ${token}` };
    const status = async (path: string) => (await fetch(`${direct.baseUrl}${path}`, { headers: auth })).status;
    // Pages are for people (a session); a "not found" may come after the layout has streamed (status 200): the
    // page must say so, not fail.
    const session = await login(direct.baseUrl, JSON.stringify({ password }));
    const cookie = (session.headers.get("set-cookie") ?? "").split(";")[0] ?? "";
    for (const path of [`/titles/tt${"9".repeat(400)}`, `/names/nm${"9".repeat(400)}`]) {
      const page = await fetch(`${direct.baseUrl}${path}`, { headers: { cookie } });
      expect([200, 404], path).toContain(page.status);
      expect(await page.text()).toContain("There is no such run, genre, title or person");
    }
    expect(await status(`/api/titles/tt${"9".repeat(400)}/history`)).toBe(404);
    for (const query of ["yearFrom=abc", "minVotes=-1", "type=movie&type=short", "page=-4&sort=x"]) {
      const page = await fetch(`${direct.baseUrl}/genres/Drama?${query}`, { headers: { cookie } });
      // The genre's titles, or (no data loaded yet) its "not found": either way rendered, not an error.
      expect([200, 404], query).toContain(page.status);
      expect(await page.text(), query).toMatch(/titles in this genre|There is no such run, genre/);
    }
    expect(await status("/api/runs/0x1")).toBe(404);
    expect(await status("/api/runs/%20%201")).toBe(404);
    expect(await status("/api/runs/1e0")).toBe(404);
    expect(await rawRequest(`${direct.baseUrl}/api/runs`, "TRACE", auth)).toBe(405);
    expect(await rawRequest(`${direct.baseUrl}/`, "PROPFIND", auth)).toBe(405);
  });

  it("refuses a schedule that fires more than once a minute", async () => {
    const save = (cron: string) =>
      fetch(`${direct.baseUrl}/api/schedule`, {
        method: "PUT",
        headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
        body: JSON.stringify({
          enabled: false,
          cron,
          timezone: "UTC",
          mode: "incremental",
          source: "sample",
          tables: ["title_ratings"],
        }),
      });
    const everySecond = await save("* * * * * *");
    expect(everySecond.status).toBe(400);
    expect(await everySecond.json()).toMatchObject({ message: expect.stringContaining("once every 60 s") });
    expect((await save("0 * * * * *")).status).toBe(200);
  });

  it("tells an anonymous health check only ok, and a logged-in one which node", async () => {
    expect(await (await fetch(`${direct.baseUrl}/api/health`)).json()).toEqual({ status: "ok" });
    const detailed = await (
      await fetch(`${direct.baseUrl}/api/health`, { headers: { authorization: `Bearer ${token}` } })
    ).json();
    expect(detailed).toMatchObject({ status: "ok", database: "up", node: expect.any(String) });
  });

  it("behind HTTPS accepts only the __Host- cookie, and believes X-Forwarded-Proto only from a trusted proxy", async () => {
    const https = { "x-forwarded-proto": "https" };
    const secure = await login(behindProxy.baseUrl, JSON.stringify({ password }), {
      ...https,
      "x-forwarded-for": "198.51.100.8",
    });
    expect(secure.status).toBe(204);
    const setCookie = secure.headers.get("set-cookie") ?? "";
    expect(setCookie).toMatch(/^__Host-imdb_session=/);
    const token = /^__Host-imdb_session=([^;]+)/.exec(setCookie)?.[1];
    const runs = (cookie: string, headers: Record<string, string>) =>
      fetch(`${behindProxy.baseUrl}/api/runs`, { headers: { cookie, ...headers } }).then((r) => r.status);
    expect(await runs(`__Host-imdb_session=${token}`, https)).toBe(200);
    expect(await runs(`imdb_session=${token}`, https)).toBe(401);

    // Reached directly, a client's X-Forwarded-Proto is not believed: its login gets the plain cookie.
    const plain = await login(direct.baseUrl, JSON.stringify({ password }), https);
    expect(plain.status).toBe(204);
    expect(plain.headers.get("set-cookie")).toMatch(/^imdb_session=/);
  });
  // Last: it throttles this address on the direct console for the rest of the run.
  it("counts a malformed login as a failed one, and throttles the socket's address whatever X-Forwarded-For says", async () => {
    for (let i = 0; i < 3; i++) {
      const malformed = await login(direct.baseUrl, "[[[", { "x-forwarded-for": `203.0.113.${i}` });
      expect(malformed.status).toBe(400);
    }
    for (let i = 3; i < 5; i++) {
      const wrong = await login(direct.baseUrl, JSON.stringify({ password: "guess" }), {
        "x-forwarded-for": `203.0.113.${i}`,
      });
      expect(wrong.status).toBe(401);
    }
    const sixth = await login(direct.baseUrl, JSON.stringify({ password }), { "x-forwarded-for": "203.0.113.99" });
    expect(sixth.status).toBe(429);
  });
});
