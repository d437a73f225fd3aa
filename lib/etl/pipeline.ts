/**
 * Sequences one run: for each selected table, locate its file (download, folder or sample), then a first
 * build, an incremental merge or a verify (verify.ts), while a heartbeat writes live counters, notices
 * cancellation and saves rejected lines. A failed table changes nothing in its table; the run goes on with
 * the others and fails.
 */
import { eq } from "drizzle-orm";
import type { RowDataPacket } from "mysql2/promise";
import { type EtlRun, etlRuns, type FinishedRunStatus } from "../../db/schema";
import { type DatasetSpec, datasets, isTableName, type TableName } from "../catalog/datasets";
import { type Db, getDb, getPool } from "../db";
import { isConnectionLost, lostReason, nodeName, nodeUrls, otherAnsweringNode } from "../db/failover";
import { env } from "../env";
import { logger } from "../log";
import { notifyRunEnd } from "../notify";
import { runQualityChecks } from "../quality/checks";
import { countersToRow, emptyCounters, type TableCounters } from "../run-record/counters";
import { runSummary, updateTable } from "../run-record/record";
import { finishRun, holdRunLock, markRunning, markTablesNotRun } from "../run-record/states";
import { EtlError } from "./errors";
import { fileFingerprint, forgetFingerprint, knownFile, rememberFingerprint } from "./fingerprint";
import { firstBuild } from "./first-build";
import { type LineHasher, lineHasher } from "./hash";
import { Heartbeat, type Tracked } from "./heartbeat";
import { purgeHistory, raiseHorizon } from "./history";
import { incrementalSync } from "./incremental";
import { findKeptFile, keepFile, keptFolder } from "./kept-file";
import { type ModeTraits, modeOf } from "./modes";
import { RunLog } from "./run-log";
import type { Reject } from "./scan";
import { hasSearchIndex, markSearchForBuild, refreshSearchIndex, searchSourceTables } from "./search-index";
import { type EngineSettings, settingsFromEnv, type TransactionBounds, transactionBounds } from "./settings";
import { readersInFlight, readOrder, Slots, tablesInFlight } from "./slots";
import { locateFile } from "./source";
import { type TableJob, timed } from "./table-job";
import { verifyTable } from "./verify";

export interface ProgressEvent {
  runId: number;
  table: TableName;
  counters: TableCounters;
}

export interface ExecuteOptions {
  settings?: EngineSettings;
  onProgress?: (event: ProgressEvent) => void;
  heartbeatMs?: number;
  /** Aborting it cancels the run cleanly (the CLI's SIGTERM / SIGINT). */
  stop?: AbortSignal;
  /** Every node of the cluster, for recording the run's end when its own stops answering (recordLostNode). */
  nodes?: string[];
}

interface RunContext {
  db: ReturnType<typeof getDb>;
  pool: ReturnType<typeof getPool>;
  run: EtlRun;
  /** What the run's mode does (modes.ts). */
  mode: ModeTraits;
  settings: EngineSettings;
  hash: LineHasher;
  signal: AbortSignal;
  controller: AbortController;
  /** The run's own log: the process's log, and etl_run_log beside the run. */
  log: RunLog;
  /** Rejected lines so far in the whole run (MAX_REJECTS). */
  rejects: number;
  /** This mirror's folder of kept files. */
  keptFolder: string;
  /** The bound on each transaction for this server (transactionBounds). */
  bounds: TransactionBounds;
  /** Whether the schema has the search index to keep (hasSearchIndex). */
  searchIndex: boolean;
}

/**
 * One table of a run: locate its file (a download for IMDb), then a first build, an incremental merge or a
 * verify. Returns false when the file has not changed since the last sync (the table is skipped).
 */
async function syncTable(
  ctx: RunContext,
  spec: DatasetSpec,
  counters: TableCounters,
  onReject: (r: Reject) => void,
  handOff: () => Promise<void>,
) {
  const { run, mode, settings } = ctx;
  const onDownload = (done: number, total: number | undefined) => {
    counters.bytesRead = done;
    counters.bytesTotal = total ?? null;
  };
  const file = await timed(counters, "download", () =>
    locateFile(ctx.db, run.source, spec, settings.source, onDownload, ctx.signal, mode.skipUnchanged),
  );
  if (file.kind === "unchanged") {
    counters.stage = "skipped";
    counters.message = `Skipped: ${file.reason}.`;
    return false;
  }
  const job: TableJob = {
    pool: ctx.pool,
    spec,
    file,
    hash: ctx.hash,
    counters,
    signal: ctx.signal,
    chunkRows: settings.chunkRows,
    ...ctx.bounds,
    deleteGuard: { share: settings.deleteGuardShare, force: run.forceDeletes },
    onReject,
    handOff,
    fullCompare: mode.fullCompare,
    history: { runId: run.id, track: settings.history[spec.table].track },
    searchIndex: ctx.searchIndex,
  };
  if (mode.job === "compare") {
    await verifyTable(job, ctx.db, run.id);
    return true;
  }
  const fingerprint = await timed(counters, "download", () => fileFingerprint(file.path, ctx.signal));
  const known = await knownFile(ctx.db, spec.table);
  if (mode.skipUnchanged && fingerprint && fingerprint === known?.fingerprint) {
    counters.stage = "skipped";
    counters.message = "Skipped: the same bytes as the file of its last exact sync.";
    return false;
  }
  if (mode.keptFileDiff) job.kept = await findKeptFile(ctx.keptFolder, spec, known);
  // Cleared before anything can change the table, written again only once it equals this file.
  await forgetFingerprint(ctx.db, spec.table);
  counters.bytesRead = 0;
  counters.bytesTotal = file.bytes;
  const { idsInOrder } = await (mode.job === "build" ? firstBuild(job) : incrementalSync(job));
  if (mode.raisesHorizon) await raiseHorizon(ctx.pool, spec.table, run.id);
  // A table replaced whole: the search index is built again from all its sources at the run's end.
  if (mode.job === "build" && ctx.searchIndex && searchSourceTables.includes(spec.table)) {
    await markSearchForBuild(ctx.pool);
  }
  await file.remember?.();
  if (fingerprint && counters.rejected === 0 && counters.deletesWithheld === 0) {
    // The kept file first: a fingerprint is only ever stored beside the file it describes.
    await keepFile(ctx.keptFolder, spec, file, run.source === "imdb");
    const inKeyOrder = idsInOrder && counters.duplicates === 0;
    await rememberFingerprint(ctx.db, spec.table, { fingerprint, inKeyOrder }, run.id);
  }
  return true;
}

/** One table of a run, from start to its final status; a failure is recorded in `failures`, never thrown. */
async function runTable(
  ctx: RunContext,
  beat: Heartbeat,
  table: TableName,
  failures: string[],
  handOff: () => Promise<void>,
): Promise<void> {
  const { db, run, settings, log } = ctx;
  const spec = datasets[table];
  const counters = emptyCounters();
  beat.track({ table, counters });
  await updateTable(db, run.id, table, { status: "running", stage: "locate" });
  const onReject = (reject: Reject) => {
    beat.addReject({ table, file: spec.file, ...reject });
    if (++ctx.rejects > settings.maxRejects && !ctx.controller.signal.aborted) {
      const message = `More than ${settings.maxRejects} rejected lines (MAX_REJECTS): the run stops.`;
      ctx.controller.abort(new EtlError("TOO_MANY_REJECTS", message));
    }
  };
  try {
    if (!(await syncTable(ctx, spec, counters, onReject, handOff))) {
      await updateTable(db, run.id, table, { ...countersToRow(counters), status: "skipped" });
      log.info({ table }, counters.message ?? "table skipped");
      return;
    }
    counters.stage = "done";
    await beat.flush();
    await updateTable(db, run.id, table, { status: "succeeded" });
    const { inserted, updated, deleted, rejected, read, unchanged } = counters;
    log.info({ table, read, inserted, updated, unchanged, deleted, rejected }, "table synced");
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    failures.push(`${table}: ${message}`);
    log.error({ table, err: error }, `table failed: ${message}`);
    counters.stage = "failed";
    await beat.flush().catch(() => undefined);
    await updateTable(db, run.id, table, { status: "failed", error: message }).catch(() => undefined);
  } finally {
    beat.untrack(table);
  }
}

/**
 * Runs the tables in order, overlapping where it helps: two tables' files are read at once (the engine's
 * thread is otherwise idle about 40 % of a read, waiting on zlib's threads and on the server), and as soon as
 * either has been read (its server-side work, the indexes or the apply, is next), the next table starts
 * reading. Server-side work takes a slot (the mode's serverSlots) for the rest of its table. Each slot is given
 * back by whichever table is done with it first: the next table never waits on the largest file's read because
 * it happened to start first.
 */
async function runTables(ctx: RunContext, beat: Heartbeat, tables: TableName[], failures: string[]) {
  const running: Promise<void>[] = [];
  // Each table in progress holds its connections (and, waiting, its staged rows): a bounded number of them.
  const inProgress = new Slots(tablesInFlight);
  const readers = new Slots(readersInFlight);
  const server = new Slots(ctx.mode.serverSlots);
  for (const table of tables) {
    const leave = await inProgress.take();
    const readDone = await readers.take();
    if (ctx.signal.aborted) {
      readDone();
      leave();
      break;
    }
    let serverDone: (() => void) | undefined;
    const handOff = async () => {
      readDone();
      serverDone = await server.take();
    };
    const done = runTable(ctx, beat, table, failures, handOff).finally(() => {
      readDone();
      serverDone?.();
      leave();
    });
    running.push(done);
  }
  await Promise.all(running);
}

/** How a run ends: cancelled, failed (a table failed, or the run was stopped), or succeeded; and why. */
function outcome(signal: AbortSignal, failures: string[]): { status: FinishedRunStatus; error?: string } {
  const reason = signal.reason as Error | undefined;
  const cancelled = reason instanceof EtlError && reason.code === "CANCELLED";
  const status = cancelled ? "cancelled" : failures.length > 0 || signal.aborted ? "failed" : "succeeded";
  return { status, error: status === "succeeded" ? undefined : failures.join("\n") || reason?.message };
}

/**
 * A run whose database node stopped answering cannot record its end there: it is failed through another node
 * of the cluster that answers (`nodes`, else DATABASE_URL's nodes), so the next start need not wait for its
 * heartbeat to go stale. Rethrows when the error is another one or no node answers.
 */
async function recordLostNode(
  databaseUrl: string,
  runId: number,
  error: unknown,
  failures: string[],
  nodes = nodeUrls(databaseUrl, env.DATABASE_HOSTS),
): Promise<Db> {
  if (!isConnectionLost(error)) throw error;
  const other = await otherAnsweringNode(nodes, databaseUrl);
  if (!other) throw error;
  const lost =
    `The database node ${nodeName(databaseUrl)} stopped answering during the sync (${lostReason(error)}); ` +
    `this was recorded through ${nodeName(other)}.`;
  const db = getDb(other);
  await finishRun(db, runId, "failed", [lost, ...failures].join("\n"));
  logger().error({ runId, node: nodeName(databaseUrl), recordedBy: nodeName(other) }, "database node lost mid-sync");
  return db;
}

/**
 * The data-quality checks after a run that changed data (lib/quality/checks.ts): only the rows the run touched,
 * the rest carried forward. A check that fails is logged, never a failure of the run: the next run's checks
 * take in this run's changes as well.
 */
async function checkQuality(ctx: RunContext, tables: TableName[]): Promise<void> {
  const { run, mode, pool, log } = ctx;
  if (mode.qualityChecks === "none" || tables.length === 0) return;
  const started = performance.now();
  try {
    const [rows] = await pool.query<RowDataPacket[]>(
      "SELECT COUNT(*) AS n FROM etl_run_tables WHERE run_id = ? AND (inserted + updated + deleted > 0 OR (? AND status = 'succeeded'))",
      [run.id, mode.qualityChecks === "succeeded"],
    );
    if (Number(rows[0]?.n ?? 0) === 0) return;
    const results = await runQualityChecks(pool, { runId: run.id, upTo: run.id });
    const seconds = Number(((performance.now() - started) / 1000).toFixed(3));
    const found = Object.fromEntries(results.map((r) => [r.name, r.rows]));
    const methods = [...new Set(results.map((r) => r.method))].join(", ");
    log.info({ seconds, methods, ...found }, "data-quality checks done");
  } catch (err) {
    log.warn({ err }, "data-quality checks failed; the next run checks this run's changes too");
  }
}

/**
 * The search index brought up to date with what the run wrote (lib/etl/search-index.ts). A failure is logged,
 * never a failure of the run: the keys it noted stay, and the next run's refresh takes them in.
 */
async function refreshSearch(ctx: RunContext): Promise<void> {
  const { run, pool, log, bounds, signal } = ctx;
  if (!ctx.searchIndex) return;
  try {
    const done = await refreshSearchIndex(pool, { upTo: run.id, maxTxnBytes: bounds.maxTxnBytes, signal });
    if (done.method !== "none") {
      const { method, titles, people, casts, words, stages } = done;
      log.info(
        { method, titles, people, casts, words, stages, seconds: Number(done.seconds.toFixed(3)) },
        "search index updated",
      );
    }
  } catch (err) {
    if (signal.aborted) return;
    log.warn({ err }, "search index update failed; the next run takes in this run's changes");
  }
}

/** Runs a queued run to its end and returns its summary. Never throws for a failed sync: the run records it. */
export async function executeRun(databaseUrl: string, runId: number, options: ExecuteOptions = {}) {
  const db = getDb(databaseUrl);
  const [run] = await db.select().from(etlRuns).where(eq(etlRuns.id, runId));
  if (!run) throw new Error(`Run #${runId} does not exist.`);
  const tables = (run.tables ?? "").split(",").filter(isTableName);
  const ordered = readOrder(tables);
  const pool = getPool(databaseUrl);
  const lock = await holdRunLock(pool, runId);
  try {
    await markRunning(db, runId);
    return await execute(databaseUrl, db, pool, run, ordered, options);
  } finally {
    await lock.release();
  }
}

async function execute(
  databaseUrl: string,
  db: ReturnType<typeof getDb>,
  pool: ReturnType<typeof getPool>,
  run: EtlRun,
  ordered: TableName[],
  options: ExecuteOptions,
) {
  const runId = run.id;
  const log = new RunLog(db, runId, logger().child({ runId }));
  log.info({ mode: run.mode, source: run.source, tables: ordered }, "sync started");

  const controller = new AbortController();
  const stop = () =>
    controller.abort(new EtlError("CANCELLED", "The sync was cancelled (the process was asked to stop)."));
  if (options.stop?.aborted) stop();
  options.stop?.addEventListener("abort", stop, { once: true });
  const settings = options.settings ?? settingsFromEnv();
  const ctx: RunContext = {
    db,
    pool,
    run,
    mode: modeOf(run),
    settings,
    hash: await lineHasher(),
    signal: controller.signal,
    controller,
    log,
    rejects: 0,
    keptFolder: keptFolder(settings.keptDir, databaseUrl),
    bounds: await transactionBounds(pool, settings.maxTxnBytes),
    searchIndex: await hasSearchIndex(pool),
  };
  const onBeat = options.onProgress && ((tracked: Tracked) => options.onProgress?.({ runId, ...tracked }));
  const beat = new Heartbeat(db, runId, controller, options.heartbeatMs ?? 1000, onBeat);
  const failures: string[] = [];
  try {
    await runTables(ctx, beat, ordered, failures);
    // With the heartbeat still beating: a full count at full size takes minutes. Side by side: the checks only
    // read the IMDb tables, the search writes only its own, and on two cores the search's word-splitting in this
    // process overlaps the server's counting. Neither throws: each logs its own failure.
    if (!controller.signal.aborted && !beat.superseded)
      await Promise.all([refreshSearch(ctx), checkQuality(ctx, ordered)]);
  } finally {
    await beat.stop();
  }
  options.stop?.removeEventListener("abort", stop);
  let recordedBy = db;
  if (beat.superseded) {
    log.warn("the run was ended by someone else meanwhile; nothing more is written for it");
  } else {
    try {
      if (controller.signal.aborted)
        await markTablesNotRun(db, runId, (controller.signal.reason as Error | undefined)?.message);
      const { status, error } = outcome(controller.signal, failures);
      await log.flush();
      const ended = await finishRun(db, runId, status, error);
      log.info({ status, error }, "sync finished");
      // After the run is recorded, in the background: a slow or failing webhook never holds up or fails a run.
      if (ended) notifyRunEnd(db, runId);
      // After the finish, so the next sync may start meanwhile: the purge goes in short batches beside it.
      await purgeHistory(pool, settings.history).then(
        (purged) => Object.values(purged).some(Boolean) && log.info({ purged }, "history purged"),
        (err) => log.warn({ err }, "history purge failed; the next run tries again"),
      );
    } catch (error) {
      recordedBy = await recordLostNode(databaseUrl, runId, error, failures, options.nodes);
      notifyRunEnd(recordedBy, runId);
    }
  }
  await log.flush();
  const summary = await runSummary(recordedBy, runId);
  if (!summary) throw new Error(`Run #${runId} disappeared.`);
  return summary;
}
