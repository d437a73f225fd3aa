/**
 * End-to-end setup: a fresh migrated database, a production build of the console, and `next start`
 * on a free loopback port. The tests read E2E_BASE_URL / E2E_DATABASE_URL from the environment it sets.
 */
import { spawnSync } from "node:child_process";
import { type ConsoleServer, startConsole } from "../../scripts/console-server";
import { createTestDatabase, type TestDatabase } from "../helpers/database";

let server: ConsoleServer | undefined;
let database: TestDatabase | undefined;

export async function setup({ provide }: { provide: (key: string, value: string) => void }) {
  database = await createTestDatabase("e2e");
  const env = {
    ...process.env,
    DATABASE_URL: database.url,
    NEXT_TELEMETRY_DISABLED: "1",
    NODE_ENV: "production" as const,
    // The schedule test edits the stored schedule and expects this instance to pick it up quickly.
    SCHEDULE_POLL_SECONDS: "1",
  };
  const build = spawnSync("npx", ["next", "build"], { env, encoding: "utf8" });
  if (build.status !== 0) throw new Error(`next build failed:\n${build.stdout}\n${build.stderr}`);
  server = await startConsole(env, "inherit");
  provide("baseUrl", server.baseUrl);
  provide("databaseUrl", database.url);
}

export async function teardown() {
  server?.stop();
  await database?.drop();
}

declare module "vitest" {
  export interface ProvidedContext {
    baseUrl: string;
    databaseUrl: string;
  }
}
