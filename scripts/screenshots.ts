/**
 * `npm run screenshots`: screenshots of the console's main pages from real Chromium, into docs/screenshots/.
 * Uses a database of its own (`screenshots`, dropped and re-created) on the private server or DATABASE_URL's,
 * builds the console, loads the bundled sample through the API, and photographs each page on a laptop-sized
 * window (plus the overview on a phone-sized one).
 */
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { gunzipSync, gzipSync } from "node:zlib";
import mysql from "mysql2/promise";
import { isActiveRunStatus } from "../db/run-states";
import { datasets, type TableName, tableNames } from "../lib/catalog/datasets";
import { migrateDatabase } from "../lib/db/migrate";
import { resolveDatabaseUrl } from "../lib/db/private-server";
import { launchBrowser } from "../test/helpers/browser";
import { startConsole, waitFor } from "./console-server";

const outDir = path.resolve("docs/screenshots");

/** `element`: only that region; `firstScreen`: only the window's first screen of a long page. */
const pages: { file: string; path: string; element?: string; firstScreen?: boolean }[] = [
  { file: "overview.png", path: "/" },
  { file: "runs.png", path: "/runs" },
  { file: "run-detail.png", path: "/runs/2" },
  { file: "genres.png", path: "/genres" },
  { file: "genre-drama.png", path: "/genres/Drama?sort=votes" },
  { file: "title.png", path: "/titles/tt0000247" },
  { file: "search.png", path: "/search?q=train" },
];

async function freshDatabase(serverUrl: string): Promise<string> {
  const root = new URL(serverUrl);
  root.pathname = "/";
  const connection = await mysql.createConnection({ uri: root.toString() });
  await connection.query("DROP DATABASE IF EXISTS `screenshots`");
  await connection.end();
  const url = new URL(serverUrl);
  url.pathname = "/screenshots";
  await migrateDatabase(url.toString());
  return url.toString();
}

/** Runs one sync through the API and waits for it to end; returns the run's id. */
async function sync(baseUrl: string, mode: string, source = "sample"): Promise<number> {
  const response = await fetch(`${baseUrl}/api/runs`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ mode, source, forceDeletes: true }),
  });
  const { id } = (await response.json()) as { id: number };
  await waitFor(`run #${id}`, async () => {
    const run = (await (await fetch(`${baseUrl}/api/runs/${id}`)).json()) as { status: string };
    return isActiveRunStatus(run.status) ? undefined : run.status;
  });
  return id;
}

const sampleLines = (table: TableName) =>
  gunzipSync(readFileSync(path.resolve("data/sample", datasets[table].file)))
    .toString("utf8")
    .split("\n");

/**
 * The sample as it might look `day` days later, written into `dir` (the console's local folder): ratings and
 * votes of every tenth title move (King John, tt0000247, among them), some titles are renamed, one is removed
 * and one added, a few akas change. Three such days give the history pages something to show.
 */
function writeLaterSample(dir: string, day: number): void {
  for (const table of tableNames) {
    const [header, ...lines] = sampleLines(table);
    let out = lines.filter(Boolean);
    if (table === "title_ratings") {
      out = out.map((line, i) => {
        const [key, rating, votes] = line.split("\t");
        if (i % 10 !== 0 && key !== "tt0000247") return line;
        const moved = Math.min(10, Math.max(1, Number(rating) + (day % 2 === 0 ? -0.3 : 0.4) * day)).toFixed(1);
        return [key, moved, String(Number(votes) + 40 * day * day)].join("\t");
      });
    }
    if (table === "title_basics") {
      out = out
        .filter((line) => !(day === 2 && line.startsWith("tt0000005\t")))
        .map((line, i) =>
          i % 50 === day ? line.replace(/^(tt\d+\t[^\t]*\t)([^\t]*)/, `$1$2 (restored ${day})`) : line,
        );
      if (day === 3) out.push("tt9999999\tmovie\tA Title Added Later\tA Title Added Later\t0\t2026\t\\N\t95\tDrama");
    }
    if (table === "title_akas")
      out = out.map((line, i) => (i % 40 === day ? line.replace(/\t\\N\t/, "\tXWW\t") : line));
    writeFileSync(path.join(dir, datasets[table].file), gzipSync(`${[header, ...out].join("\n")}\n`));
  }
}

async function putSchedule(baseUrl: string, schedule: object): Promise<void> {
  const response = await fetch(`${baseUrl}/api/schedule`, {
    method: "PUT",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ enabled: true, mode: "incremental", source: "sample", ...schedule }),
  });
  if (!response.ok) throw new Error(`PUT /api/schedule answered ${response.status}`);
}

/** A schedule that has fired: a few ticks of a quick one, then the daily one the picture shows. */
async function scheduleWithTicks(baseUrl: string): Promise<void> {
  await putSchedule(baseUrl, { cron: "*/4 * * * * *", timezone: "UTC", tables: ["title_ratings"] });
  await waitFor("two ticks", async () => {
    const { firings } = (await (await fetch(`${baseUrl}/api/schedule`)).json()) as { firings: unknown[] };
    return firings.length >= 2 ? true : undefined;
  });
  await putSchedule(baseUrl, {
    cron: "30 3 * * *",
    timezone: "Europe/Berlin",
    tables: ["title_basics", "title_ratings", "title_episode"],
  });
}

async function main() {
  const databaseUrl = await freshDatabase(await resolveDatabaseUrl());
  const laterSample = mkdtempSync(path.join(tmpdir(), "screenshots-later-"));
  const env = {
    ...process.env,
    IMDB_LOCAL_DIR: laterSample,
    DATABASE_URL: databaseUrl,
    NEXT_TELEMETRY_DISABLED: "1",
    NODE_ENV: "production" as const,
    // The schedule shown fires every 4 s, so that its firings appear while the screenshots are taken.
    SCHEDULE_MIN_INTERVAL_SECONDS: "1",
  };
  console.log("Building the console …");
  const build = spawnSync("npx", ["next", "build"], { env, stdio: "inherit" });
  if (build.status !== 0) process.exit(build.status ?? 1);
  const server = await startConsole(env);
  const baseUrl = server.baseUrl;
  const browser = await launchBrowser();
  try {
    mkdirSync(outDir, { recursive: true });
    const laptop = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    await laptop.goto(`${baseUrl}/`);
    await laptop.screenshot({ path: path.join(outDir, "empty.png"), fullPage: true });
    await sync(baseUrl, "first-run");
    // The same sample again would be skipped by its fingerprints; forgetting them makes the sync diff the rows,
    // so the picture shows progress per table.
    const connection = await mysql.createConnection({ uri: databaseUrl });
    await connection.query("DELETE FROM etl_table_files");
    await connection.end();
    await laptop.goto(`${baseUrl}/runs`);
    await laptop.getByRole("button", { name: "Start sync" }).click();
    const live = laptop.getByRole("region", { name: /^Progress of run \d+$/ });
    await live.locator("tbody").getByText("succeeded").first().waitFor();
    await live.screenshot({ path: path.join(outDir, "live-progress.png") });
    await live.getByTestId("live-status").getByText("succeeded").waitFor({ timeout: 60_000 });
    const laterRuns: number[] = [];
    for (const day of [1, 2, 3]) {
      writeLaterSample(laterSample, day);
      laterRuns.push(await sync(baseUrl, "incremental", "local"));
    }
    pages.push(
      { file: "run-changes.png", path: `/runs/${laterRuns[2]}?table=title_basics#changes`, element: "Changes" },
      { file: "changes.png", path: "/changes?within=week&table=title_basics", firstScreen: true },
      { file: "title-history.png", path: "/titles/tt0000247#history", element: "History" },
    );
    for (const page of pages) {
      await laptop.goto(`${baseUrl}${page.path}`, { waitUntil: "networkidle" });
      const target = path.join(outDir, page.file);
      if (page.element) {
        await laptop.getByRole("region", { name: page.element, exact: true }).screenshot({ path: target });
      } else await laptop.screenshot({ path: target, fullPage: !page.firstScreen });
      console.log(`docs/screenshots/${page.file}`);
    }
    // The top bar's suggestions as one types ("tra" still being typed: completed), the second one active (arrow keys).
    await laptop.goto(`${baseUrl}/`, { waitUntil: "networkidle" });
    const box = laptop.getByRole("combobox", { name: "Search titles, people and characters" });
    await box.pressSequentially("arrival tra", { delay: 30 });
    await laptop.getByRole("option").first().waitFor();
    await box.press("ArrowDown");
    await box.press("ArrowDown");
    const suggestions = path.join(outDir, "search-suggestions.png");
    await laptop.screenshot({ path: suggestions, clip: { x: 0, y: 0, width: 1280, height: 440 } });
    console.log("docs/screenshots/search-suggestions.png");
    await scheduleWithTicks(baseUrl);
    await laptop.goto(`${baseUrl}/settings`, { waitUntil: "networkidle" });
    await laptop.screenshot({ path: path.join(outDir, "settings.png"), fullPage: true });
    console.log("docs/screenshots/settings.png");
    const phone = await browser.newPage({ viewport: { width: 390, height: 844 }, isMobile: true });
    await phone.goto(`${baseUrl}/genres/Drama`, { waitUntil: "networkidle" });
    await phone.screenshot({ path: path.join(outDir, "phone-genre.png"), fullPage: true });
  } finally {
    await browser.close();
    server.stop();
    rmSync(laterSample, { recursive: true, force: true });
  }
}

await main();
process.exit(0);
