/** The console's production build, made only when the sources are newer than the last one (`npm start`, bench). */
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import path from "node:path";

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

/** Runs `next build` if needed; returns false when the build failed (its output went to the terminal). */
export function buildConsoleIfStale(env: NodeJS.ProcessEnv): boolean {
  if (!buildIsStale()) return true;
  console.log("Building the console (first start or changed sources) …");
  return spawnSync("npx", ["next", "build"], { stdio: "inherit", env }).status === 0;
}
