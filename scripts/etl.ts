/**
 * Command line: `npm run etl -- --mode first-run|incremental --source imdb|sample|local|<folder>
 * [--tables a,b] [--force-deletes] [--replace] [--json]`. Same engine as the console; a progress bar on a
 * terminal, a summary table at the end, and with --json the run summary as the last line.
 * Exit 0 on success, 1 when the sync failed or could not run (a database down), 2 on bad usage (including a
 * first build over data without --replace), 3 when another sync is running.
 */
import { parseArgs } from "node:util";
import { SingleBar } from "cli-progress";
import type { RunMode } from "../db/schema";
import { closePools, getDb } from "../lib/db";
import { migrateDatabase } from "../lib/db/migrate";
import { resolveDatabaseUrl } from "../lib/db/private-server";
import { isTableName, type TableName, tableNames } from "../lib/etl/datasets";
import { executeRun, type ProgressEvent, settingsFromEnv } from "../lib/etl/pipeline";
import type { RunSummary } from "../lib/etl/run-record";
import { describeSource } from "../lib/etl/source";
import { logInThisThread } from "../lib/log";
import { assertReplaceConfirmed, createRun } from "../lib/runs/control";
import { ReplaceNotConfirmedError, SyncBusyError } from "../lib/runs/errors";

const usage = `usage: npm run etl -- --mode first-run|incremental --source imdb|sample|local|<folder> [--tables a,b] [--force-deletes] [--replace] [--json]
  --mode first-run     a first build: every table loaded from scratch (--replace to replace tables that hold data)
  --mode incremental   write only what changed since the last sync
  --force-deletes      apply deletes even past the deletion guard
tables: ${tableNames.join(", ")}`;

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
      json: { type: "boolean", default: false },
      help: { type: "boolean", default: false },
    },
  });
  if (values.help) {
    console.log(usage);
    process.exit(0);
  }
  if (values.mode !== "first-run" && values.mode !== "incremental")
    throw new UsageError(`--mode is required.\n${usage}`);
  const tables = values.tables ? values.tables.split(",").map((t) => t.trim()) : [...tableNames];
  const unknown = tables.filter((t) => !isTableName(t));
  if (unknown.length) throw new UsageError(`Unknown table(s): ${unknown.join(", ")}.\n${usage}`);
  return {
    mode: values.mode as RunMode,
    source: values.source ?? "imdb",
    tables: tables as TableName[],
    forceDeletes: values["force-deletes"] ?? false,
    replace: values.replace ?? false,
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

function printTable(summary: RunSummary) {
  const rows = summary.tables.map((t) => ({
    table: t.table,
    status: t.status,
    read: t.read,
    inserted: t.inserted,
    updated: t.updated,
    unchanged: t.unchanged,
    deleted: t.deleted,
    withheld: t.deletesWithheld,
    rejected: t.rejected,
    duplicates: t.duplicates,
    seconds: Number((t.seconds.download + t.seconds.load + t.seconds.apply + t.seconds.index).toFixed(2)),
  }));
  console.table(rows);
  for (const t of summary.tables) {
    if (t.message) console.log(`${t.table}: ${t.message}`);
    if (t.error) console.error(`${t.table}: ${t.error}`);
  }
  console.log(`Run #${summary.id} ${summary.status}.`);
}

async function main() {
  const options = parse();
  await logInThisThread();
  const url = await resolveDatabaseUrl();
  await migrateDatabase(url);
  const settings = settingsFromEnv();
  await assertReplaceConfirmed(getDb(url), options, options.replace);
  const runId = await createRun(getDb(url), {
    mode: options.mode,
    source: options.source,
    tables: options.tables,
    trigger: "cli",
    forceDeletes: options.forceDeletes,
  });
  if (!options.json)
    console.log(`Run #${runId}: ${options.mode} from ${describeSource(options.source, settings.source)}`);
  const bar = progressBar(process.stdout.isTTY && !options.json);
  // SIGTERM / SIGINT cancel the run cleanly: it stops at the next row batch and is recorded as cancelled.
  const stop = new AbortController();
  for (const signal of ["SIGTERM", "SIGINT"] as const) {
    process.once(signal, () => {
      console.error(`\n${signal}: cancelling run #${runId} …`);
      stop.abort();
    });
  }
  const summary = await executeRun(url, runId, { settings, onProgress: bar.update, stop: stop.signal });
  bar.stop();
  if (!options.json) printTable(summary);
  if (options.json) {
    const peakRssBytes = process.resourceUsage().maxRSS * 1024;
    const { id, status, error, tables } = summary;
    console.log(JSON.stringify({ id, status, error, peakRssBytes, tables }));
  }
  return summary.status === "succeeded" ? 0 : 1;
}

main()
  .then(async (code) => {
    await closePools();
    process.exit(code);
  })
  .catch(async (error: Error) => {
    const usageError = error instanceof UsageError || error instanceof ReplaceNotConfirmedError;
    const expected = usageError || error instanceof SyncBusyError;
    console.error(expected ? error.message : `etl: ${error.message}`);
    await closePools().catch(() => {});
    process.exit(error instanceof SyncBusyError ? 3 : usageError ? 2 : 1);
  });
