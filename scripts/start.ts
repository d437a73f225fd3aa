/**
 * `npm start`: the private database (unless DATABASE_URL is set), migrations, a production build when
 * the sources are newer than the last one, then the console on HOST:PORT. `--dev` runs `next dev` instead.
 */
import { spawn, spawnSync } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import path from "node:path";
import { env } from "../lib/env";
import { migrateDatabase } from "../lib/migrate";
import { resolveDatabaseUrl } from "./private-db";

const buildInputs = ["app", "lib", "db", "components", "next.config.ts", "package-lock.json", "postcss.config.mjs"];

function newestMtime(target: string): number {
  if (!existsSync(target)) return 0;
  const stat = statSync(target);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return readdirSync(target).reduce(
    (newest, entry) => Math.max(newest, newestMtime(path.join(target, entry))),
    stat.mtimeMs,
  );
}

function buildIsStale(): boolean {
  const buildId = path.join(".next", "BUILD_ID");
  if (!existsSync(buildId)) return true;
  const built = statSync(buildId).mtimeMs;
  return buildInputs.some((input) => newestMtime(input) > built);
}

const dev = process.argv.includes("--dev");
const url = await resolveDatabaseUrl();
await migrateDatabase(url);
const childEnv = { ...process.env, DATABASE_URL: url, NEXT_TELEMETRY_DISABLED: "1" };

if (!dev && buildIsStale()) {
  console.log("Building the console (first start or changed sources) …");
  const build = spawnSync("npx", ["next", "build"], { stdio: "inherit", env: childEnv });
  if (build.status !== 0) process.exit(build.status ?? 1);
}

const nextArgs = dev
  ? ["next", "dev", "-H", env.HOST, "-p", String(env.PORT)]
  : ["next", "start", "-H", env.HOST, "-p", String(env.PORT)];
console.log(
  `IMDb Sync Console on http://${env.HOST}:${env.PORT}/ (database: ${env.DATABASE_URL ? "DATABASE_URL" : "private, under .data/"})`,
);
const server = spawn("npx", nextArgs, { stdio: "inherit", env: childEnv });
for (const signal of ["SIGINT", "SIGTERM"] as const) process.on(signal, () => server.kill(signal));
server.on("exit", (code) => process.exit(code ?? 0));
