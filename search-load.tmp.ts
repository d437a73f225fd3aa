/** One-off measurement (not committed): the console step's pages over the 0.1x mirror in `imdb`, alone and under 20 clients while an incremental sync runs. */
import { spawn } from "node:child_process";
import mysql from "mysql2/promise";
import { formatConsoleLoad, measureConsoleLoad } from "./scripts/bench/console-load";
import { typicalSearches } from "./scripts/bench/searches";

const url = process.env.LOAD_URL as string;
const changed = process.env.LOAD_SOURCE as string;
const c = await mysql.createConnection({ uri: url });
const [picked] = await c.query(
  `SELECT r.tconst FROM imdb.title_ratings r WHERE EXISTS (SELECT 1 FROM imdb.title_principals p WHERE p.tid = r.tid AND p.characters IS NOT NULL) ORDER BY r.numVotes DESC LIMIT 1`,
);
const tconst = String((picked as { tconst: string }[])[0]?.tconst);
const searches = await typicalSearches(c, "imdb", tconst);
await c.end();
console.log(tconst, searches);
const only = process.env.LOAD_PAGES?.split(",");
const pages = [
  { page: "genre", path: "/genres/Drama" },
  { page: "genre, filtered", path: "/genres/Drama?type=movie&yearFrom=1990&minVotes=1000" },
  { page: "title", path: `/titles/${tconst}` },
  { page: "search page", path: `/search?q=${encodeURIComponent(searches[0]?.q ?? "the")}` },
  ...searches.map((s) => ({ page: s.page, path: `/api/search?q=${encodeURIComponent(s.q)}` })),
].filter((p) => !only || only.includes(p.page));
const loads = await measureConsoleLoad({
  databaseUrl: url,
  pages,
  connections: 20,
  seconds: Number(process.env.LOAD_SECONDS ?? 15),
  startSync: () =>
    new Promise((resolve) => {
      if (!changed) return resolve(undefined);
      const child = spawn("node", ["--max-semi-space-size=4", ".cache/etl-cli.mjs", "--mode", "incremental", "--source", changed, "--json"], {
        env: { ...process.env, DATABASE_URL: url, MALLOC_ARENA_MAX: "2" },
        stdio: "ignore",
      });
      const started = performance.now();
      child.on("exit", (code) => {
        console.log(`sync exit ${code} after ${((performance.now() - started) / 1000).toFixed(1)} s`);
        resolve(undefined);
      });
    }),
});
console.log(formatConsoleLoad(loads, 20));
console.log(JSON.stringify(loads));
process.exit(0);
