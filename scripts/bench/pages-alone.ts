/**
 * `npx tsx scripts/bench/pages-alone.ts DATABASE_URL [RESULTS_JSON]`: every page of the bench's console step
 * (its paths, from a bench results file) requested alone on a quiet console, median of 5 after a warm-up, with
 * the read cache off (READ_CACHE_SIZE=0): what a page costs when its answer is not cached, as the first visit
 * after a sync is. The bench's own "alone" column (the same measurement) is with the cache on: its warm-up fills it.
 */
import { readFileSync } from "node:fs";
import { alone, startBenchConsole } from "./console-load";

const [databaseUrl, resultsFile = "bench-results/latest-0.1.json"] = process.argv.slice(2);
if (!databaseUrl) throw new Error("usage: pages-alone.ts DATABASE_URL [RESULTS_JSON]");
const results = JSON.parse(readFileSync(resultsFile, "utf8")) as {
  consoleLoad: { pages: { page: string; path: string }[] };
};
const server = await startBenchConsole(databaseUrl, { READ_CACHE_SIZE: "0" });
try {
  for (const { page, path } of results.consoleLoad.pages) {
    const { ms, bytes } = await alone(`${server.baseUrl}${path}`);
    console.log(`${page.padEnd(24)} ${ms.toFixed(1).padStart(7)} ms  ${(bytes / 1024).toFixed(0).padStart(4)} KB`);
  }
} finally {
  server.stop();
}
