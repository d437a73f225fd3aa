/**
 * `npx tsx scripts/upgrade-bench.ts --scale 0.1 [--seed N] [--keep]`: what an upgrade from the previous release
 * costs on a mirror of that size (docs/upgrades.md). On the private server (or DATABASE_URL), database
 * `upgrade_bench`: the previous release's migrations (test/fixtures/migrations-0010), a first build of the
 * bench's generated files and a 1 % incremental run (so the change history holds rows; the current engine in this
 * process, which does not migrate, standing in for the previous release's: same tables, same data), then the current
 * migrations, timed, while the data directory's size and the ALTER running are sampled every 500 ms; then a 1 %
 * incremental run on the upgraded mirror. Prints the figures and writes bench-results/upgrade-<scale>.json.
 * Data is generated (or reused) under bench-data/ as `npm run bench` does.
 */
import { execFileSync } from "node:child_process";
import { existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import mysql, { type RowDataPacket } from "mysql2/promise";
import { tableNames } from "../lib/catalog/datasets";
import { closePools, getDb } from "../lib/db";
import { migrateDatabase } from "../lib/db/migrate";
import { resolveDatabaseUrl } from "../lib/db/private-server";
import { executeRun } from "../lib/etl/pipeline";
import { settingsFromEnv } from "../lib/etl/settings";
import { createRun } from "../lib/runs/control";
import { generateDataset } from "./bench/generate";
import { mutateDataset } from "./bench/mutate";

const { values } = parseArgs({
  options: {
    scale: { type: "string", default: "0.1" },
    seed: { type: "string", default: "1" },
    keep: { type: "boolean", default: false },
  },
});
const scale = Number(values.scale);
const seed = Number(values.seed);
if (!(scale > 0) || !Number.isInteger(seed)) {
  console.error("usage: npx tsx scripts/upgrade-bench.ts --scale S [--seed N] [--keep]");
  process.exit(2);
}

const previousRelease = path.resolve("test/fixtures/migrations-0010");
const dataDir = path.resolve("bench-data", `scale-${scale}-seed-${seed}`);
const baseDir = path.join(dataDir, "base");
const changedDir = path.join(dataDir, "changed-1pct");
if (!existsSync(path.join(baseDir, "manifest.json"))) {
  console.log(`generating scale ${scale} into ${baseDir} …`);
  await generateDataset({ scale, out: baseDir, seed });
}
if (!existsSync(path.join(changedDir, "expected.json"))) {
  console.log(`mutating 1 % into ${changedDir} …`);
  await mutateDataset({ input: baseDir, out: changedDir, share: 0.01, seed });
}

const serverUrl = await resolveDatabaseUrl();
const withDatabase = (name: string) => {
  const u = new URL(serverUrl);
  u.pathname = `/${name}`;
  return u.toString();
};
const url = withDatabase("upgrade_bench");
const admin = await mysql.createConnection({ uri: withDatabase("") });
const [[server]] = await admin.query<RowDataPacket[]>(
  "SELECT @@datadir AS dir, VERSION() AS version, @@innodb_buffer_pool_size AS pool",
);
const serverDataDir = String(server?.dir);

/** Bytes allocated on disk under a folder (the server's data directory is readable by this user here). */
function allocatedBytes(dir: string): number {
  let total = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    try {
      if (entry.isDirectory()) total += allocatedBytes(full);
      else total += lstatSync(full).blocks * 512;
    } catch {} // a file the ALTER removed meanwhile
  }
  return total;
}
const sizes = () => ({
  dataDir: allocatedBytes(serverDataDir),
  database: allocatedBytes(path.join(serverDataDir, "upgrade_bench")),
});
const gb = (bytes: number) => `${(bytes / 2 ** 30).toFixed(2)} GB`;
const seconds = (r: Sync) => `${r.seconds.toFixed(1)} s (${r.status})`;

interface Sync {
  seconds: number;
  status: string;
}
/** One run of the engine in this process (createRun + executeRun: no migration, unlike `npm run etl`). */
async function sync(mode: "first-run" | "incremental", source: string): Promise<Sync> {
  const started = performance.now();
  const runId = await createRun(getDb(url), { mode, source, tables: [...tableNames], trigger: "cli" });
  const summary = await executeRun(url, runId, { settings: { ...settingsFromEnv(), keptDir } });
  return { seconds: (performance.now() - started) / 1000, status: summary.status };
}

await admin.query("DROP DATABASE IF EXISTS `upgrade_bench`");
await migrateDatabase(url, previousRelease);
const keptDir = mkdtempSync(path.join(tmpdir(), "upgrade-bench-kept-"));
console.log("the previous release's mirror: first build …");
const firstBuild = await sync("first-run", baseDir);
console.log(`  ${seconds(firstBuild)}; a 1 % incremental run …`);
const before1pct = await sync("incremental", changedDir);
console.log(`  ${seconds(before1pct)}`);
if (firstBuild.status !== "succeeded" || before1pct.status !== "succeeded") {
  throw new Error("the mirror on the previous release's schema could not be built");
}
const [[rows]] = await admin.query<RowDataPacket[]>(
  "SELECT SUM(table_rows) AS n FROM information_schema.tables WHERE table_schema = 'upgrade_bench'",
);

const before = sizes();
console.log(`before: data directory ${gb(before.dataDir)}, the mirror ${gb(before.database)}; upgrading …`);
/** What the migration is doing, sampled: each ALTER's first and last sighting, and the disk at its highest. */
const seen = new Map<string, { first: number; last: number }>();
let peak = before;
const started = performance.now();
let sampling = true;
const sampler = (async () => {
  const watcher = await mysql.createConnection({ uri: withDatabase("") });
  try {
    while (sampling) {
      const [running] = await watcher.query<RowDataPacket[]>(
        "SELECT INFO AS info FROM information_schema.PROCESSLIST WHERE DB = 'upgrade_bench' AND INFO LIKE 'ALTER TABLE%'",
      );
      const at = (performance.now() - started) / 1000;
      for (const r of running) {
        const table = /ALTER TABLE `(\w+)`/.exec(String(r.info))?.[1] ?? "?";
        const span = seen.get(table);
        if (span) span.last = at;
        else seen.set(table, { first: at, last: at });
      }
      const now = sizes();
      if (now.dataDir > peak.dataDir) peak = now;
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  } finally {
    await watcher.end();
  }
})();
await migrateDatabase(url);
const upgradeSeconds = (performance.now() - started) / 1000;
sampling = false;
await sampler;
const after = sizes();
console.log(`upgraded in ${upgradeSeconds.toFixed(1)} s; a 1 % incremental run on the upgraded mirror …`);
const after1pct = await sync("incremental", baseDir);
console.log(`  ${seconds(after1pct)}`);

const result = {
  date: new Date().toISOString(),
  commit: execFileSync("git", ["rev-parse", "--short", "HEAD"], { encoding: "utf8" }).trim(),
  loadAverage: loadavg(),
  server: { version: String(server?.version), bufferPoolBytes: Number(server?.pool) },
  scale,
  seed,
  rowsEstimate: Number(rows?.n),
  firstBuildSeconds: firstBuild.seconds,
  onePercentBeforeSeconds: before1pct.seconds,
  upgradeSeconds,
  perAlterSeconds: Object.fromEntries([...seen].map(([t, s]) => [t, Number((s.last - s.first).toFixed(1))])),
  disk: {
    before,
    peak,
    after,
    extraAtPeakBytes: peak.dataDir - before.dataDir,
    extraAfterBytes: after.dataDir - before.dataDir,
  },
  onePercentAfterSeconds: after1pct.seconds,
  onePercentAfterStatus: after1pct.status,
};
console.log(
  `\nupgrade at ${scale}×: ${upgradeSeconds.toFixed(1)} s; data directory ${gb(before.dataDir)} before, ${gb(peak.dataDir)} at its highest (+${gb(peak.dataDir - before.dataDir)}), ${gb(after.dataDir)} after; the mirror ${gb(before.database)} → ${gb(after.database)}`,
);
console.log(
  `ALTERs seen (first to last sighting, ±0.5 s): ${Object.entries(result.perAlterSeconds)
    .map(([t, s]) => `${t} ${s} s`)
    .join(", ")}`,
);
mkdirSync("bench-results", { recursive: true });
const out = path.join("bench-results", `upgrade-${scale}.json`);
writeFileSync(out, `${JSON.stringify(result, null, 2)}\n`);
execFileSync(path.join("node_modules", ".bin", "biome"), ["format", "--write", out], { stdio: "ignore" });
console.log(`wrote ${out}`);
rmSync(keptDir, { recursive: true, force: true });
if (!values.keep) await admin.query("DROP DATABASE IF EXISTS `upgrade_bench`");
await admin.end();
await closePools();
