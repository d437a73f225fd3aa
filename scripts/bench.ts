/**
 * `npm run bench -- --scale 0.01 [--profile uniform|day] [--keep] [--seed N] [--runs N] [--no-key-index-cost]`: in one run on the same server
 * (database `bench`), the floors (the server's own LOAD DATA of the uncompressed files into tables with
 * primary keys only; then their secondary indexes), the engine's first build (against floor + indexes), an
 * incremental run with nothing changed and one with 1 % changed (against the floor), as ratios; the floors and
 * the steps with a target below the first build are run `--runs` times (three below full size) and reported by
 * their median
 * (docs/benchmark.md); the same first build and 1 % run without the text-key indexes, to show what they cost;
 * then typical queries on IMDb's keys against a text-keyed reference schema (`bench_ref`), and every console page a
 * person opens (overview, runs, a run with its changes, changes, genres, the biggest genre with and without filters,
 * a popular title, a prolific person, the search page and five typical searches of `GET /api/search`), alone and
 * under 20 concurrent clients while incremental syncs run one after another.
 * Data is generated once per scale and cached under bench-data/; results go to
 * bench-results/latest-<scale>.json. --keep leaves the `bench` and `bench_ref` databases in place afterwards;
 * --no-queries (which also leaves out the console load) keeps the disk used to one mirror, as at full size.
 * --profile day: the change steps make one day's change as estimated in scripts/bench/mutate.ts (dayProfile: about
 * 35 % of the ratings with new vote counts, 0.1–0.3 % of the other files) instead of 1 % of every file; the
 * results go to bench-results/latest-<scale>-day.json. --label NAME appends -NAME to the results file's name (a run
 * on other server settings, e.g. a private server started with PRIVATE_DB_BUFFER_POOL=1G: --label pool1G).
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import mysql from "mysql2/promise";
import { type TableName, tableNames } from "../lib/catalog/datasets";
import { migrateDatabase } from "../lib/db/migrate";
import { resolveDatabaseUrl } from "../lib/db/private-server";
import { formatConsoleLoad, measureConsoleLoad, type PageLoad } from "./bench/console-load";
import { type FloorResult, measureFloor } from "./bench/floor";
import { generateDataset, generatorVersion, type Manifest } from "./bench/generate";
import { dropKeyIndexes, keyIndexSizes } from "./bench/key-indexes";
import { type Expected, mutateDataset, type ProfileName, profileNames, readManifest } from "./bench/mutate";
import { formatQueries, loadReference, runQueries } from "./bench/queries";
import {
  failedStep,
  floorSeconds,
  floorSteps,
  formatHistoryCost,
  formatKeyIndexCost,
  formatQualityCost,
  formatStageSeconds,
  formatSteps,
  formatTableSeconds,
  type KeyIndexCost,
  machine,
  medianFloor,
  medianStep,
  peakRssTargetBytes,
  type QualityCost,
  type StepResult,
  syncStep,
} from "./bench/report";
import { typicalSearches } from "./bench/searches";
import { buildEngine, runSync } from "./bench/sync";

const { values } = parseArgs({
  options: {
    scale: { type: "string" },
    seed: { type: "string", default: "1" },
    profile: { type: "string", default: "uniform" },
    runs: { type: "string" },
    keep: { type: "boolean", default: false },
    "no-key-index-cost": { type: "boolean", default: false },
    "no-console-load": { type: "boolean", default: false },
    "no-queries": { type: "boolean", default: false },
    /** Appended to the results file's name: a run on other server settings (e.g. `pool1G`) keeps the usual one. */
    label: { type: "string" },
  },
});
const scale = Number(values.scale);
const seed = Number(values.seed);
/**
 * How often the floors and the short steps with a target are run, each reported by its median with every run
 * kept: on the 2-core VM the same short run of the same code varies by about 40 % (docs/benchmark.md).
 * Odd, so that the runs of a change, which alternate between the two files, end on the changed ones.
 * A full-size run takes hours: once.
 */
const runs = values.runs === undefined ? (scale < 1 ? 3 : 1) : Number(values.runs);
const profile = values.profile as ProfileName;
if (
  !(scale > 0) ||
  !Number.isInteger(seed) ||
  !Number.isInteger(runs) ||
  runs < 1 ||
  runs % 2 === 0 ||
  !profileNames.includes(profile)
) {
  console.error(
    "usage: npm run bench -- --scale S [--profile uniform|day] [--seed N] [--runs N (odd)] [--keep] [--no-key-index-cost] [--no-queries] [--no-console-load]",
  );
  process.exit(2);
}
const share = 0.01;
/** What the change steps change: 1 % of every file, or one day as estimated (dayProfile). */
const change = profile === "day" ? "a day (estimate)" : "1 % changed";
const resultSuffix = profile === "day" ? "-day" : "";
/** Targets as ratios: the first build against floor + indexes, the incremental runs against the floor. */
const targets = { firstBuild: 1.1, noChange: 0.1, onePercent: 0.3 };

const dataDir = path.resolve("bench-data", `scale-${scale}-seed-${seed}`);
const baseDir = path.join(dataDir, "base");
const changedDir = path.join(dataDir, profile === "day" ? "changed-day" : "changed-1pct");

function isCurrent(dir: string, generation: number): boolean {
  if (!existsSync(path.join(dir, "manifest.json"))) return false;
  const m = readManifest(dir);
  return m.generatorVersion === generatorVersion && m.scale === scale && m.seed === seed && m.generation === generation;
}

async function prepareData(): Promise<{ manifest: Manifest; expected: Expected }> {
  if (!isCurrent(baseDir, 0)) {
    console.log(`generating scale ${scale} into ${baseDir} …`);
    await generateDataset({ scale, out: baseDir, seed });
  }
  if (!isCurrent(changedDir, 1) || !existsSync(path.join(changedDir, "expected.json"))) {
    console.log(`mutating (${profile === "day" ? "a day" : `${share * 100} %`}) into ${changedDir} …`);
    await mutateDataset({ input: baseDir, out: changedDir, share, profile, seed });
  }
  const expected = JSON.parse(readFileSync(path.join(changedDir, "expected.json"), "utf8")) as Expected;
  return { manifest: readManifest(baseDir), expected };
}

function withDatabase(url: string, name: string): string {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
}

async function onServer<T>(url: string, work: (c: mysql.Connection) => Promise<T>): Promise<T> {
  const connection = await mysql.createConnection({ uri: withDatabase(url, "") });
  try {
    return await work(connection);
  } finally {
    await connection.end();
  }
}

async function freshDatabase(serverUrl: string, benchUrl: string): Promise<void> {
  await onServer(serverUrl, (c) => c.query("DROP DATABASE IF EXISTS `bench`"));
  await migrateDatabase(benchUrl);
}

function uniform(manifest: Manifest, kind: "first" | "same"): Expected {
  const out = {} as Expected;
  for (const t of tableNames) {
    const rows = manifest.rows[t as TableName];
    out[t] =
      kind === "first"
        ? { rows, inserted: rows, updated: 0, deleted: 0, unchanged: 0 }
        : { rows, inserted: 0, updated: 0, deleted: 0, unchanged: rows };
  }
  return out;
}

/** Going back from the changed files to the base ones: the 1 % change undone (inserts and deletes swap). */
function undone(change: Expected): Expected {
  const out = {} as Expected;
  for (const t of tableNames) {
    const c = change[t];
    out[t] = {
      rows: c.unchanged + c.updated + c.deleted,
      inserted: c.deleted,
      updated: c.updated,
      deleted: c.inserted,
      unchanged: c.unchanged,
    };
  }
  return out;
}

const loadAtStart = loadavg();
const serverUrl = await resolveDatabaseUrl();
const benchUrl = withDatabase(serverUrl, "bench");
/** One benchmark per server at a time: they share the `bench` database and would skew each other. */
const lock = await mysql.createConnection({ uri: withDatabase(serverUrl, "") });
const [locked] = await lock.query("SELECT GET_LOCK('imdb_sync_bench', 0) AS ok");
if ((locked as { ok: number }[])[0]?.ok !== 1) {
  console.error("Another `npm run bench` is running on this server; try again when it has finished.");
  process.exit(1);
}
const { manifest, expected } = await prepareData();
const totalRows = Object.values(manifest.rows).reduce((a, b) => a + b, 0);
console.log(`scale ${scale}: ${totalRows.toLocaleString("en-US")} rows in 7 files`);

console.log(
  `floors: LOAD DATA of the uncompressed files (primary keys only), then the secondary indexes (${runs} ${runs > 1 ? "runs" : "run"}) …`,
);
const floorRuns: FloorResult[] = [];
for (let i = 0; i < runs; i++) {
  await freshDatabase(serverUrl, benchUrl);
  floorRuns.push(await measureFloor(benchUrl, baseDir, dataDir));
}
const floor = medianFloor(floorRuns);
const steps: StepResult[] = floorSteps(floor);
/**
 * Every step is also written as soon as it is measured, so that a run cut short (a full-size run takes hours)
 * keeps what it measured; a run that reaches its end removes this file.
 */
mkdirSync("bench-results", { recursive: true });
const partialFile = path.join("bench-results", `partial-${scale}${resultSuffix}.json`);
const measured: StepResult[] = [];
function savePartial(step?: StepResult): void {
  if (step) measured.push(step);
  const partial = { date: new Date().toISOString(), scale, seed, loadAverage: loadavg(), floor, steps: measured };
  writeFileSync(partialFile, `${JSON.stringify(partial, null, 2)}\n`);
}
savePartial();

buildEngine();
type Run = {
  step: string;
  mode: "first-run" | "incremental";
  source: string;
  target?: number;
  want: Expected;
  /** false: the run logs no change history (to measure what it costs). */
  history?: boolean;
};
/** The bench's kept files (the file of each table's last exact sync) live apart and go at the end. */
const keptRoot = mkdtempSync(path.join(tmpdir(), "bench-kept-"));
let keptDir = path.join(keptRoot, "1");
async function measure(run: Run, label = ""): Promise<StepResult> {
  console.log(`${run.step}${label} …`);
  try {
    const result = await runSync({
      databaseUrl: benchUrl,
      mode: run.mode,
      source: run.source,
      keptDir,
      history: run.history,
    });
    const against = run.mode === "first-run" ? "floor + indexes" : "floor";
    const step = syncStep(run.step, result, { seconds: floorSeconds(floor, against), against }, run.target, run.want);
    step.history = await historyWritten(result.summary.id).catch((error: Error) => {
      step.problems.push(`history not measured: ${error.message}`);
      return undefined;
    });
    step.quality = await qualityCost(result.summary.id).catch((error: Error) => {
      step.problems.push(`data-quality checks not measured: ${error.message}`);
      return undefined;
    });
    savePartial(step);
    return step;
  } catch (error) {
    const step = failedStep(run.step, (error as Error).message);
    savePartial(step);
    return step;
  }
}
/**
 * A step run `runs` times and reported by its median (medianStep). With `back`, every other run goes back the
 * other way (the same size of change), so that each run has a change to make.
 */
async function measureRuns(run: Run, back?: Run): Promise<StepResult> {
  const results: StepResult[] = [];
  for (let i = 0; i < runs; i++) {
    const label =
      runs === 1 ? "" : ` (run ${i + 1} of ${runs}${back && i % 2 === 1 ? ", back to the base files" : ""})`;
    results.push(await measure(back && i % 2 === 1 ? { ...back, step: run.step } : run, label));
  }
  return medianStep(results);
}
/** What a run wrote into the change log: rows, and bytes of its keys and logged values. */
async function historyWritten(runId: number): Promise<{ rows: number; bytes: number }> {
  return onServer(benchUrl, async (c) => {
    const [rows] = await c.query(
      `SELECT COUNT(*) AS n, COALESCE(SUM(LENGTH(changed_columns)), 0) + COALESCE(SUM(LENGTH(old_line)), 0)
              + COALESCE(SUM(LENGTH(table_name) + 11), 0) AS bytes
         FROM bench.etl_changes WHERE run_id = ?`,
      [runId],
    );
    const [row] = rows as { n: number; bytes: number }[];
    return { rows: Number(row?.n ?? 0), bytes: Number(row?.bytes ?? 0) };
  });
}
/** The data-quality checks a run ran at its end (lib/quality/checks.ts): undefined when it ran none. */
async function qualityCost(runId: number): Promise<QualityCost | undefined> {
  return onServer(benchUrl, async (c) => {
    const [rows] = await c.query(
      "SELECT check_name AS name, `rows`, method, seconds FROM bench.etl_quality_results WHERE run_id = ?",
      [runId],
    );
    const found = rows as { name: string; rows: number; method: string; seconds: string }[];
    if (found.length === 0) return undefined;
    const methods: Record<string, number> = {};
    for (const r of found) methods[r.method] = (methods[r.method] ?? 0) + 1;
    return {
      seconds: found.reduce((sum, r) => sum + Number(r.seconds), 0),
      methods,
      rows: Object.fromEntries(found.map((r) => [r.name, Number(r.rows)])),
    };
  });
}
const firstBuild: Run = {
  step: "first build",
  mode: "first-run",
  source: baseDir,
  target: targets.firstBuild,
  want: uniform(manifest, "first"),
};
const noChange: Run = {
  step: "incremental, no change",
  mode: "incremental",
  source: baseDir,
  target: targets.noChange,
  want: uniform(manifest, "same"),
};
const onePercent: Run = {
  step: `incremental, ${change}`,
  mode: "incremental",
  source: changedDir,
  target: targets.onePercent,
  want: expected,
};
/** The 1 % change undone: back to the base files, the runs between two of onePercent. */
const onePercentBack: Run = { ...onePercent, source: baseDir, want: undone(expected) };

/** The same first build and 1 % run over tables without the text-key indexes: the difference is their cost. */
const withoutKeyIndexes: StepResult[] = [];
if (!values["no-key-index-cost"]) {
  await freshDatabase(serverUrl, benchUrl);
  await dropKeyIndexes(benchUrl);
  for (const run of [firstBuild, onePercent]) {
    withoutKeyIndexes.push(await measure({ ...run, step: `${run.step}, no key indexes`, target: undefined }));
  }
}

await freshDatabase(serverUrl, benchUrl);
steps.push(await measure(firstBuild));
steps.push(await measureRuns(noChange));
steps.push(await measureRuns(onePercent, onePercentBack));
// The same size of change (back to the base files) with no kept file: the table is read, as after a run that
// was not exact. From here on the runs keep their files in a fresh folder.
keptDir = path.join(keptRoot, "2");
steps.push(
  await measure({
    step: `incremental, ${change}, table read`,
    mode: "incremental",
    source: baseDir,
    want: undone(expected),
  }),
);
// The 1 % change again, diffed against the kept files as in step 4, with the history off: what the history costs.
const historyOff = await measureRuns(
  { ...onePercent, step: `incremental, ${change}, history off`, history: false },
  { ...onePercentBack, history: false },
);
steps.push(historyOff);
steps.push(...withoutKeyIndexes);

const sizes = await keyIndexSizes(benchUrl);
const keyIndexCost: KeyIndexCost = { ...sizes, with: steps, without: withoutKeyIndexes };
/** The reference schema doubles the disk used: at full size, --no-queries leaves it out. */
let queryResults: { referenceSeconds: number; run: Awaited<ReturnType<typeof runQueries>> } | undefined;
if (!values["no-queries"]) {
  console.log("queries: loading the text-keyed reference schema …");
  const referenceSeconds = await loadReference(serverUrl, "bench", "bench_ref");
  queryResults = { referenceSeconds, run: await runQueries(benchUrl, withDatabase(serverUrl, "bench_ref")) };
}

/** The console's pages alone, then under load while incremental syncs run (scripts/bench/console-load.ts). */
const loadClients = 20;
let consoleLoad: { pages: PageLoad[]; syncs: StepResult[] } | undefined;
// The console pages are chosen by the queries' picks, so --no-queries leaves the console load out too.
const queries = queryResults?.run;
if (queries && !values["no-console-load"]) {
  console.log(`console: ${loadClients} clients per page while incremental syncs run …`);
  const picks = queries.picks;
  const searches = await onServer(benchUrl, (c) => typicalSearches(c, "bench", picks.title));
  // The last run that logged changes (the primary key's first column): its page lists them.
  const changedRun = await onServer(benchUrl, async (c) => {
    const [rows] = await c.query(
      "SELECT COALESCE((SELECT MAX(run_id) FROM bench.etl_changes), (SELECT MAX(id) FROM bench.etl_runs)) AS id",
    );
    return Number((rows as { id: number }[])[0]?.id);
  });
  const genre = `/genres/${encodeURIComponent(picks.genre)}`;
  const syncs: StepResult[] = [];
  const pages = await measureConsoleLoad({
    databaseUrl: benchUrl,
    connections: loadClients,
    seconds: 15,
    pages: [
      { page: "overview", path: "/" },
      { page: "runs", path: "/runs" },
      { page: "run with its changes", path: `/runs/${changedRun}` },
      { page: "changes", path: "/changes" },
      { page: "genres", path: "/genres" },
      { page: "genre", path: genre },
      // The genre filters of issue 24: a type, then a type, years and votes that few of the genre's titles have.
      { page: "genre, type", path: `${genre}?type=movie` },
      { page: "genre, filtered", path: `${genre}?type=movie&yearFrom=1990&minVotes=1000` },
      { page: "popular title", path: `/titles/${picks.popularTitle}` },
      { page: "prolific person", path: `/names/${picks.person}` },
      { page: "search page", path: `/search?q=${encodeURIComponent(searches[0]?.q ?? "the")}` },
      ...searches.map((s) => ({ page: s.page, path: `/api/search?q=${encodeURIComponent(s.q)}` })),
    ],
    // The tables hold the changed files now (the history-off step): back to the base files, then forth, each one
    // another 1 % change checked like step 4.
    sync: async (index) => {
      const back = index % 2 === 0;
      const step = await measure({
        step: `incremental under console load (${index + 1})`,
        mode: "incremental",
        source: back ? baseDir : changedDir,
        want: back ? undone(expected) : expected,
      });
      syncs.push(step);
      return step.problems.length === 0;
    },
  });
  consoleLoad = { pages, syncs };
}

const server = await onServer(serverUrl, async (c) => {
  const [rows] = await c.query("SELECT VERSION() AS v, @@innodb_buffer_pool_size AS pool");
  const row = (rows as { v: string; pool: number }[])[0];
  return { version: String(row?.v), bufferPoolBytes: Number(row?.pool) };
});
rmSync(keptRoot, { recursive: true, force: true });
if (!values.keep) {
  await onServer(serverUrl, async (c) => {
    await c.query("DROP DATABASE IF EXISTS `bench`");
    await c.query("DROP DATABASE IF EXISTS `bench_ref`");
  });
}

console.log(`\n${formatSteps(steps)}\n\nseconds per table\n${formatTableSeconds(floor, steps)}`);
console.log(`\ntext-key indexes\n${formatKeyIndexCost(keyIndexCost)}`);
const historyOn = steps.find((s) => s.step === onePercent.step);
console.log(`\nchange history\n${formatHistoryCost(historyOn, historyOff, change)}`);
console.log(
  `\nwhere the time of "${onePercent.step}" went (median run), per table and stage\n${formatStageSeconds(historyOn)}`,
);
console.log(`\ndata-quality checks (inside each run's seconds)\n${formatQualityCost(steps)}`);
if (queryResults) {
  console.log(
    `\nqueries on IMDb's keys (median of 5 after a warm-up; reference schema loaded in ${queryResults.referenceSeconds.toFixed(1)} s)\n${formatQueries(queryResults.run.results)}`,
  );
}
if (consoleLoad) {
  const syncs = consoleLoad.syncs;
  const problems = syncs.flatMap((s) => s.problems);
  console.log(
    `\nconsole under load, beside ${syncs.length} incremental syncs one after another (${syncs.map((s) => s.seconds.toFixed(1)).join(", ")} s${problems.length > 0 ? `; ${problems[0]}` : ""})\n${formatConsoleLoad(consoleLoad.pages, loadClients)}`,
  );
}
const commit = execFileSync("git", ["rev-parse", "--short", "HEAD"], { encoding: "utf8" }).trim();
const results = {
  date: new Date().toISOString(),
  /** 1, 5 and 15 minute load averages at the start and the end: other work on the machine skews the ratios. */
  loadAverage: { start: loadAtStart, end: loadavg() },
  commit,
  scale,
  seed,
  profile,
  changedShare: profile === "day" ? undefined : share,
  runs,
  machine: machine(server.version, server.bufferPoolBytes),
  rows: manifest.rows,
  targets: { ...targets, peakRssBytes: peakRssTargetBytes },
  floor: {
    method:
      "LOAD DATA LOCAL INFILE per uncompressed file into the tables with their secondary indexes dropped; row_hash = X'0000000000000000'; then one ALTER TABLE per table adds the indexes (floor + indexes)",
    ...floor,
  },
  steps,
  keyIndexes: {
    keyIndexBytes: sizes.keyIndexBytes,
    tablesBytes: sizes.tablesBytes,
    perIndex: sizes.perIndex,
  },
  queries: queries && {
    referenceSchemaSeconds: queryResults?.referenceSeconds,
    picks: queries.picks,
    results: queries.results,
  },
  consoleLoad: consoleLoad && {
    clients: loadClients,
    pages: consoleLoad.pages,
    syncs: consoleLoad.syncs.map((s) => ({ seconds: s.seconds, rowsWritten: s.rowsWritten, problems: s.problems })),
  },
};
const out = path.join("bench-results", `latest-${scale}${resultSuffix}${values.label ? `-${values.label}` : ""}.json`);
writeFileSync(out, `${JSON.stringify(results, null, 2)}\n`);
rmSync(partialFile, { force: true });
// Formatted as the linter wants it, so a committed result never fails `npm run lint`.
execFileSync(path.join("node_modules", ".bin", "biome"), ["format", "--write", out], { stdio: "ignore" });
console.log(
  `\nload average ${loadAtStart.map((l) => l.toFixed(1)).join(" ")} at the start, ${loadavg()
    .map((l) => l.toFixed(1))
    .join(" ")} at the end (on ${results.machine.cores} cores)\nwrote ${out}`,
);
await lock.end();
const failed =
  steps.some((s) => s.problems.length > 0) ||
  (queries?.results ?? []).some((q) => q.problems.length > 0) ||
  (consoleLoad?.syncs ?? []).some((s) => s.problems.length > 0);
process.exitCode = failed ? 1 : 0;
