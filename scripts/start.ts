/**
 * `npm start`: the private database (unless DATABASE_URL is set), migrations (with a placeholder page on HOST:PORT
 * while any are pending: scripts/migrating-server.ts), a production build when the sources are newer than the last
 * one, then the console on HOST:PORT (this script again with `--serve`, in a process of its own: scripts/serve.ts). `--dev` serves Next's development server instead; `--prebuilt` (the
 * container image) skips the build check, since the image holds no dev dependencies to rebuild with.
 */
import { spawn } from "node:child_process";
import { resolveDatabaseUrl } from "../lib/db/private-server";
import { env } from "../lib/env";
import { engineEnv } from "../lib/etl/engine-memory";
import { buildConsoleIfStale } from "./console-build";
import { migrateWhileServing } from "./migrating-server";

const loopback = ["127.0.0.1", "localhost", "::1"];
if (!loopback.includes(env.HOST) && !env.ADMIN_PASSWORD && !env.ADMIN_TOKEN) {
  console.error(
    `HOST=${env.HOST} would open the console beyond this machine with no login: set ADMIN_PASSWORD (and/or ADMIN_TOKEN) first.`,
  );
  process.exit(2);
}

const dev = process.argv.includes("--dev");
if (process.argv.includes("--serve")) {
  const { serveConsole } = await import("./serve");
  await serveConsole(dev);
} else {
  await startConsoleWithDatabase();
}

async function startConsoleWithDatabase(): Promise<void> {
  const prebuilt = process.argv.includes("--prebuilt");
  const url = await resolveDatabaseUrl();
  // Pending migrations run with a placeholder on HOST:PORT that says how far they are (scripts/migrating-server.ts).
  const loopbackOnly = !env.ADMIN_PASSWORD && !env.ADMIN_TOKEN;
  await migrateWhileServing(url, { host: env.HOST, port: env.PORT, loopbackOnly });
  const childEnv = { ...process.env, DATABASE_URL: url, NEXT_TELEMETRY_DISABLED: "1" };

  if (!dev && !prebuilt && !buildConsoleIfStale(childEnv)) process.exit(1);

  // This script again, on this Node.js with its loader (tsx, or none for the bundle): signals reach the server directly.
  const serveArgs = [...process.execArgv, process.argv[1] ?? "scripts/start.ts", "--serve", ...(dev ? ["--dev"] : [])];
  console.log(
    `IMDb Sync Console on http://${env.HOST}:${env.PORT}/ (database: ${env.DATABASE_URL ? "DATABASE_URL" : "private, under .data/"})`,
  );
  // The server runs the sync's worker thread, so it takes the engine's environment (lib/etl/engine-memory.ts).
  const serverEnv = { ...childEnv, ...engineEnv, NODE_ENV: dev ? ("development" as const) : ("production" as const) };
  const server = spawn(process.execPath, serveArgs, { stdio: "inherit", env: serverEnv });
  for (const signal of ["SIGINT", "SIGTERM"] as const) process.on(signal, () => server.kill(signal));
  server.on("exit", (code) => process.exit(code ?? 0));
}
