/**
 * End-to-end setup: a fresh migrated database, a production build of the console, and `next start`
 * on a free loopback port. The tests read E2E_BASE_URL / E2E_DATABASE_URL from the environment it sets.
 */
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { createServer } from "node:net";
import { createTestDatabase, type TestDatabase } from "../helpers/database";

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => resolve(typeof address === "object" && address ? address.port : 0));
    });
  });
}

async function waitForHttp(url: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      const response = await fetch(url);
      if (response.status < 500) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`The console did not answer at ${url} within ${timeoutMs} ms`);
}

let server: ChildProcess | undefined;
let database: TestDatabase | undefined;

export async function setup({ provide }: { provide: (key: string, value: string) => void }) {
  database = await createTestDatabase("e2e");
  const env = {
    ...process.env,
    DATABASE_URL: database.url,
    NEXT_TELEMETRY_DISABLED: "1",
    NODE_ENV: "production" as const,
  };
  const build = spawnSync("npx", ["next", "build"], { env, encoding: "utf8" });
  if (build.status !== 0) throw new Error(`next build failed:\n${build.stdout}\n${build.stderr}`);
  const port = await freePort();
  server = spawn("npx", ["next", "start", "-H", "127.0.0.1", "-p", String(port)], {
    env,
    stdio: "inherit",
    detached: true,
  });
  const baseUrl = `http://127.0.0.1:${port}`;
  await waitForHttp(`${baseUrl}/api/health`, 60_000);
  provide("baseUrl", baseUrl);
  provide("databaseUrl", database.url);
}

export async function teardown() {
  if (server?.pid) process.kill(-server.pid, "SIGTERM");
  await database?.drop();
}

declare module "vitest" {
  export interface ProvidedContext {
    baseUrl: string;
    databaseUrl: string;
  }
}
