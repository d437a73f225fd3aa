/**
 * Command line: `npm run etl -- --mode first-run|incremental|verify --source imdb|sample|local|<folder>
 * [--tables a,b] [--force-deletes] [--replace] [--repair] [--json]`. Same engine as the console; a progress
 * bar on a terminal, a summary table at the end, and with --json the run summary as the last line.
 * Exit 0 on success (a verify: no drift), 1 when the sync failed or could not run (a database down), 2 on bad
 * usage (including a first build over data without --replace), 3 when another sync is running, 4 when a
 * verify found drift.
 */
import { parseArgs } from "node:util";
import { SingleBar } from "cli-progress";
import { type RunMode, recordedMode, repairAskedWith, runKind, runModes } from "../db/schema";
import { isTableName, type TableName, tableNames } from "../lib/catalog/datasets";
import { closePools } from "../lib/db";
import { migrateDatabase } from "../lib/db/migrate";
import { resolveDatabaseUrl } from "../lib/db/private-server";
import { limitHeapGrowth } from "../lib/etl/engine-memory";
import { executeRun, type ProgressEvent } from "../lib/etl/pipeline";
import { settingsFromEnv } from "../lib/etl/settings";
import { describeSource } from "../lib/etl/source";
import { driftRows } from "../lib/etl/verify";
import { logInThisThread } from "../lib/log";
import { settleNotifications } from "../lib/notify";
import type { RunSummary } from "../lib/run-record/record";
import { ReplaceNotConfirmedError, SyncBusyError } from "../lib/runs/errors";
import { queueRun } from "../lib/runs/queue";

const usage = `usage: npm run etl -- --mode first-run|incremental|verify --source imdb|sample|local|<folder> [--tables a,b] [--force-deletes] [--replace] [--repair] [--json]
  --mode first-run     a first build: every table loaded from scratch (--replace to replace tables that hold data)
  --mode incremental   write only what changed since the last sync
  --mode verify        compare each table with its file row by row and report drift; writes nothing
  --repair             with --mode verify: put the drift right (an incremental sync comparing every table)
  --force-deletes      apply deletes even past the deletion guard
exit: 0 done (a verify: no drift), 1 failed, 2 bad usage, 3 another sync running, 4 a verify found drift
tables: ${tableNames.join(", ")}`;

/** The exit status of a verify that found drift (it succeeded, but the tables differ from their files). */
const driftFound = 4;

/** The command line was wrong: exit 2 with the usage. */
class UsageError extends Error {}

function parse() {
  try {
    return parseOptions();
  } catch (error) {
    if (error instanceof UsageError) throw error;
    // parseArgs' own errors: an unknown option, a missing value.
    throw new UsageError(`${(error as Error).message}\n${usage}`);
  }
}

function parseOptions() {
  const { values } = parseArgs({
    options: {
      mode: { type: "string" },
      source: { type: "string", default: "imdb" },
      tables: { type: "string" },
      "force-deletes": { type: "boolean", default: false },
      replace: { type: "boolean", default: false },
      repair: { type: "boolean", default: false },
      json: { type: "boolean", default: false },
      help: { type: "boolean", default: false },
    },
  });
  if (values.help) {
    console.log(usage);
    process.exit(0);
  }
  if (!runModes.includes(values.mode as RunMode)) throw new UsageError(`--mode is required.\n${usage}`);
  if (values.repair && values.mode !== repairAskedWith)
    throw new UsageError(`--repair goes with --mode ${repairAskedWith}.\n${usage}`);
  const tables = values.tables ? values.tables.split(",").map((t) => t.trim()) : [...tableNames];
  const unknown = tables.filter((t) => !isTableName(t));
  if (unknown.length) throw new UsageError(`Unknown table(s): ${unknown.join(", ")}.\n${usage}`);
  return {
    mode: values.mode as RunMode,
    source: values.source ?? "imdb",
    tables: tables as TableName[],
    forceDeletes: values["force-deletes"] ?? false,
    replace: values.replace ?? false,
    repair: values.repair ?? false,
    json: values.json ?? false,
  };
}

function progressBar(enabled: boolean) {
  if (!enabled) return { update: (_: ProgressEvent) => {}, stop: () => {} };
  const bar = new SingleBar({
    format: " {table} {stage} |{bar}| {percentage}% | {rows} rows | {rate} rows/s",
    hideCursor: true,
    clearOnComplete: true,
  });
  let table = "";
  let started = Date.now();
  return {
    update({ table: t, counters }: ProgressEvent) {
      if (t !== table) {
        if (table) bar.stop();
        table = t;
        started = Date.now();
        bar.start(counters.bytesTotal ?? 1, 0, { table: t, stage: counters.stage, rows: 0, rate: 0 });
      }
      const seconds = Math.max(0.001, (Date.now() - started) / 1000);
      bar.setTotal(counters.bytesTotal ?? Math.max(1, counters.bytesRead));
      bar.update(counters.bytesRead, {
        stage: counters.stage.padEnd(8),
        rows: counters.read.toLocaleString("en-US"),
        rate: Math.round(counters.read / seconds).toLocaleString("en-US"),
      });
    },
    stop: () => bar.stop(),
  };
}

/** Counters per table: what a sync wrote, or for a verify what it found. */
function tableRow(verify: boolean, t: RunSummary["tables"][number]) {
  const written = verify
    ? { unchanged: t.unchanged, missing: t.drift?.missing, differing: t.drift?.differing, extra: t.drift?.extra }
    : {
        inserted: t.inserted,
        updated: t.updated,
        unchanged: t.unchanged,
        deleted: t.deleted,
        withheld: t.deletesWithheld,
      };
  return {
    table: t.table,
    status: t.status,
    read: t.read,
    ...written,
    rejected: t.rejected,
    duplicates: t.duplicates,
    seconds: Number((t.seconds.download + t.seconds.load + t.seconds.apply + t.seconds.index).toFixed(2)),
  };
}

function printTable(summary: RunSummary) {
  const verify = summary.mode === "verify";
  console.table(summary.tables.map((t) => tableRow(verify, t)));
  for (const t of summary.tables) {
    if (t.message) console.log(`${t.table}: ${t.message}`);
    if (t.error) console.error(`${t.table}: ${t.error}`);
    for (const e of t.drift?.examples ?? []) {
      const key = e.ordering === null ? e.key : `${e.key} ordering ${e.ordering}`;
      console.log(`  ${e.kind.padEnd(9)} ${key}${e.lineNumber === null ? "" : ` (line ${e.lineNumber})`}`);
    }
  }
  console.log(`Run #${summary.id} ${summary.status}.`);
}

/** How the first line names the run (a repair is recorded as an incremental run: recordedMode). */
function describeRun(options: { mode: RunMode; repair: boolean }): string {
  const kind = runKind(recordedMode(options));
  return kind === "repair" ? "repair (an incremental sync comparing every table)" : kind;
}

const hasDrift = (summary: RunSummary) => summary.tables.some((t) => t.drift && driftRows(t.drift) > 0);

async function main() {
  const options = parse();
  limitHeapGrowth();
  await logInThisThread();
  const url = await resolveDatabaseUrl();
  await migrateDatabase(url);
  const settings = settingsFromEnv();
  const bar = progressBar(process.stdout.isTTY && !options.json);
  // The run executes in this process, to its end.
  const { execution } = await queueRun(url, { ...options, trigger: "cli" }, (runId) => {
    if (!options.json)
      console.log(`Run #${runId}: ${describeRun(options)} from ${describeSource(options.source, settings.source)}`);
    // SIGTERM / SIGINT cancel the run cleanly: it stops at the next row batch and is recorded as cancelled.
    const stop = new AbortController();
    for (const signal of ["SIGTERM", "SIGINT"] as const) {
      process.once(signal, () => {
        console.error(`\n${signal}: cancelling run #${runId} …`);
        stop.abort();
      });
    }
    return executeRun(url, runId, { settings, onProgress: bar.update, stop: stop.signal });
  });
  const summary = await execution;
  bar.stop();
  if (!options.json) printTable(summary);
  if (options.json) {
    const peakRssBytes = process.resourceUsage().maxRSS * 1024;
    const { id, mode, repair, status, error, tables } = summary;
    console.log(JSON.stringify({ id, mode, repair, status, error, peakRssBytes, tables }));
  }
  if (summary.status !== "succeeded") return 1;
  return hasDrift(summary) ? driftFound : 0;
}

main()
  .then(async (code) => {
    // The run's notification (sent in the background once the run was recorded) is delivered or gives up first.
    await settleNotifications();
    await closePools();
    process.exit(code);
  })
  .catch(async (error: Error) => {
    const usageError = error instanceof UsageError || error instanceof ReplaceNotConfirmedError;
    const expected = usageError || error instanceof SyncBusyError;
    console.error(expected ? error.message : `etl: ${error.message}`);
    await settleNotifications();
    await closePools().catch(() => {});
    process.exit(error instanceof SyncBusyError ? 3 : usageError ? 2 : 1);
  });
