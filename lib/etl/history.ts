/**
 * The change history's settings and upkeep (issue 13): which tables keep a change log, for how long, and the
 * purge of what is older. The log itself is written by the incremental apply (incremental.ts, SQL in sql.ts);
 * the horizon (`etl_history_horizon`) says from which run on a table's past can be rebuilt from it.
 */
import type { Pool, PoolConnection, RowDataPacket } from "mysql2/promise";
import { type TableName, tableNames } from "../catalog/datasets";

/** How long a table's change log is kept: everything, a number of days, or the entries of the last runs. */
export type HistoryKeep = { all: true } | { days: number } | { runs: number };

/** One table's history rule: not tracked at all, or tracked and kept as said. */
export type HistoryRule = { track: false } | { track: true; keep: HistoryKeep };

export type HistorySettings = Record<TableName, HistoryRule>;

const keepAll: HistoryRule = { track: true, keep: { all: true } };

/**
 * Parses `HISTORY_RETENTION`: comma-separated `table=rule` with `*` for every table not named, a rule being
 * `all`, `off`, `<n>d` (days) or `<n>runs`. Empty: every table tracked and kept for ever.
 * Example: `title_ratings=90d,title_principals=off,*=all`.
 */
export function parseHistoryRetention(text: string | undefined): HistorySettings {
  const named = new Map<string, HistoryRule>();
  for (const part of (text ?? "").split(",").map((p) => p.trim())) {
    if (!part) continue;
    const match = /^([a-z_*]+)\s*=\s*(all|off|(\d+)d|(\d+)runs)$/.exec(part);
    const table = match?.[1];
    if (!match || !table || (table !== "*" && !(tableNames as readonly string[]).includes(table))) {
      throw new Error(`HISTORY_RETENTION: "${part}" is not <table>=all|off|<n>d|<n>runs`);
    }
    const rule: HistoryRule =
      match[2] === "off"
        ? { track: false }
        : match[3]
          ? { track: true, keep: { days: Number(match[3]) } }
          : match[4]
            ? { track: true, keep: { runs: Number(match[4]) } }
            : keepAll;
    named.set(table, rule);
  }
  const fallback = named.get("*") ?? keepAll;
  return Object.fromEntries(tableNames.map((t) => [t, named.get(t) ?? fallback])) as HistorySettings;
}

/**
 * Raises a table's horizon to `afterRun` (never lowers it): its state after an earlier run can no longer be
 * rebuilt. `onlyIfUnset` sets it for a table's first logged run, whose earlier changes were never logged.
 */
export async function raiseHorizon(
  connection: Pool | PoolConnection,
  table: TableName,
  afterRun: number,
  onlyIfUnset = false,
): Promise<void> {
  const onDuplicate = onlyIfUnset ? "table_name = table_name" : "after_run = GREATEST(after_run, VALUES(after_run))";
  await connection.query(
    `INSERT INTO etl_history_horizon (table_name, after_run) VALUES (?, ?) ON DUPLICATE KEY UPDATE ${onDuplicate}`,
    [table, afterRun],
  );
}

/**
 * The oldest run whose entries `keep` retains for a table (entries of earlier runs go): by the runs' start
 * time for days; for runs, the table's last `n` incremental runs that changed it (from etl_run_tables, a few
 * rows per run, rather than a scan of the log). Undefined: nothing to purge.
 */
export async function firstKeptRun(
  pool: Pool,
  table: TableName,
  keep: HistoryKeep,
  now = new Date(),
): Promise<number | undefined> {
  if ("all" in keep) return undefined;
  if ("days" in keep) {
    const cutoff = new Date(now.getTime() - keep.days * 86_400_000);
    const [rows] = await pool.query<RowDataPacket[]>(
      "SELECT MIN(id) AS first FROM etl_runs WHERE COALESCE(started_at, created_at) >= ?",
      [cutoff],
    );
    const first = rows[0]?.first;
    if (first !== null && first !== undefined) return Number(first);
    // No run that recent: every entry is older than the cutoff.
    const [[latest]] = (await pool.query("SELECT COALESCE(MAX(id), 0) + 1 AS next FROM etl_runs")) as unknown as [
      [{ next: number }],
    ];
    return Number(latest.next);
  }
  const [rows] = await pool.query<RowDataPacket[]>(
    `SELECT t.run_id FROM etl_run_tables t JOIN etl_runs r ON r.id = t.run_id
      WHERE t.table_name = ? AND r.mode = 'incremental' AND t.status = 'succeeded'
        AND t.inserted + t.updated + t.deleted > 0
      ORDER BY t.run_id DESC LIMIT 1 OFFSET ?`,
    [table, Math.max(keep.runs - 1, 0)],
  );
  return rows[0] ? Number(rows[0].run_id) : undefined;
}

/**
 * Deletes each table's entries older than its rule keeps, run by run and `batchRows` at a time (each batch a
 * primary-key range of one run and table, its own short statement), so a sync applying beside it waits at most
 * for one batch. Returns rows deleted per table.
 */
export async function purgeHistory(
  pool: Pool,
  settings: HistorySettings,
  options: { batchRows?: number; now?: Date } = {},
): Promise<Partial<Record<TableName, number>>> {
  const batchRows = options.batchRows ?? 5000;
  const purged: Partial<Record<TableName, number>> = {};
  for (const table of tableNames) {
    const rule = settings[table];
    if (!rule.track) continue;
    const firstKept = await firstKeptRun(pool, table, rule.keep, options.now);
    if (firstKept === undefined) continue;
    const [runs] = await pool.query<RowDataPacket[]>(
      "SELECT run_id FROM etl_run_tables WHERE table_name = ? AND run_id < ? ORDER BY run_id",
      [table, firstKept],
    );
    let total = 0;
    for (const { run_id: runId } of runs) {
      for (;;) {
        const [result] = await pool.query(
          `DELETE FROM etl_changes WHERE run_id = ? AND table_name = ? ORDER BY key_number, ordering LIMIT ${batchRows}`,
          [runId, table],
        );
        const deleted = (result as { affectedRows: number }).affectedRows;
        total += deleted;
        if (deleted < batchRows) break;
      }
    }
    if (total > 0) await raiseHorizon(pool, table, firstKept - 1);
    purged[table] = total;
  }
  return purged;
}
