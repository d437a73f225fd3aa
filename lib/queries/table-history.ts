/**
 * Read models of a table's past (issue 13): a key's versions (SCD type 2, rebuilt from the change log and the
 * main table), a row and the whole table as they were after a run, for `GET /api/tables/:table/history`. Each
 * takes the pool last so that tests can point it at their own database.
 */
import "server-only";
import type { Pool, RowDataPacket } from "mysql2/promise";
import { datasets, keyColumns, keyPrefix, parseKey, type TableName } from "@/lib/catalog/datasets";
import { rowLineSql } from "@/lib/catalog/row-line";
import { getPool } from "@/lib/db";

import { lineColumns, ordered } from "./history-rows";

/** One version of a row: its columns (null: the key had no row), from which run and until which run. */
export interface RowVersion {
  /** The run that wrote this version; null when that was before the log (a first build, or before history). */
  validFromRun: number | null;
  /** The run that replaced it; null for the current version. */
  validToRun: number | null;
  row: Record<string, string | null> | null;
}

async function currentLine(pool: Pool, table: TableName, keyNumber: number, ordering: number) {
  const spec = datasets[table];
  const where = keyColumns(spec)
    .map((c) => `\`${c}\` = ?`)
    .join(" AND ");
  const [rows] = await pool.query<RowDataPacket[]>(
    `SELECT ${rowLineSql(spec)} AS line FROM \`${table}\` WHERE ${where}`,
    ordered(table) ? [keyNumber, ordering] : [keyNumber],
  );
  return rows[0] ? String(rows[0].line) : undefined;
}

/**
 * Every version of one row that the log knows, oldest first, the current one (from the main table) last: each
 * update or delete kept the row as it was; an insert starts a version, and a delete starts a gap (`row: null`)
 * that lasts until the key is inserted again.
 */
export async function keyVersions(
  table: TableName,
  keyNumber: number,
  ordering = 0,
  pool: Pool = getPool(),
): Promise<RowVersion[]> {
  const [entries] = await pool.query<RowDataPacket[]>(
    `SELECT run_id, kind, old_line FROM etl_changes
      WHERE table_name = ? AND key_number = ? AND ordering = ? ORDER BY run_id`,
    [table, keyNumber, ordering],
  );
  const versions: RowVersion[] = [];
  let from: number | null = null;
  let deletedBy: number | undefined;
  for (const entry of entries) {
    const run = Number(entry.run_id);
    if (entry.kind === "insert" && deletedBy !== undefined) {
      versions.push({ validFromRun: deletedBy, validToRun: run, row: null });
    } else if (entry.kind !== "insert") {
      versions.push({ validFromRun: from, validToRun: run, row: lineColumns(table, String(entry.old_line)) });
    }
    deletedBy = entry.kind === "delete" ? run : undefined;
    from = entry.kind === "delete" ? null : run;
  }
  const line = await currentLine(pool, table, keyNumber, ordering);
  if (line !== undefined) versions.push({ validFromRun: from, validToRun: null, row: lineColumns(table, line) });
  else if (deletedBy !== undefined) versions.push({ validFromRun: deletedBy, validToRun: null, row: null });
  return versions;
}

/** The earliest run after which a table's state can be rebuilt (etl_history_horizon), or undefined. */
export async function historyHorizon(table: TableName, pool: Pool = getPool()): Promise<number | undefined> {
  const [rows] = await pool.query<RowDataPacket[]>("SELECT after_run FROM etl_history_horizon WHERE table_name = ?", [
    table,
  ]);
  return rows[0] ? Number(rows[0].after_run) : undefined;
}

export class HistoryNotKept extends Error {}

async function assertRebuildable(pool: Pool, table: TableName, afterRun: number) {
  const horizon = await historyHorizon(table, pool);
  if (horizon === undefined || afterRun < horizon) {
    throw new HistoryNotKept(
      horizon === undefined
        ? `${table} has no change log yet.`
        : `${table} as it was after run #${afterRun} is not kept: its history starts after run #${horizon}.`,
    );
  }
}

/**
 * One row as it was after run N: the old line of the key's first change after N (none if that was an insert),
 * or, with no change since, the row in the main table. Undefined: the key had no row then.
 */
export async function rowAsOf(
  table: TableName,
  keyNumber: number,
  ordering: number,
  afterRun: number,
  pool: Pool = getPool(),
): Promise<Record<string, string | null> | undefined> {
  await assertRebuildable(pool, table, afterRun);
  const [rows] = await pool.query<RowDataPacket[]>(
    `SELECT kind, old_line FROM etl_changes
      WHERE table_name = ? AND key_number = ? AND ordering = ? AND run_id > ? ORDER BY run_id LIMIT 1`,
    [table, keyNumber, ordering, afterRun],
  );
  const first = rows[0];
  if (first) return first.kind === "insert" ? undefined : lineColumns(table, String(first.old_line));
  const line = await currentLine(pool, table, keyNumber, ordering);
  return line === undefined ? undefined : lineColumns(table, line);
}

/**
 * A page of the table as it was after run N, in key order: rows of the main table that no later run changed,
 * merged with the old lines of the rows that later runs updated or deleted. `after`: the last key of the
 * previous page ([number, ordering]).
 */
export async function tableAsOf(
  table: TableName,
  afterRun: number,
  page: { after?: [number, number]; limit: number },
  pool: Pool = getPool(),
): Promise<{ rows: Record<string, string | null>[]; next: [number, number] | null }> {
  await assertRebuildable(pool, table, afterRun);
  const spec = datasets[table];
  const [id, ord] = [keyColumns(spec)[0] as string, ordered(table) ? "t.`ordering`" : "0"];
  const [afterNumber, afterOrdering] = page.after ?? [-1, -1];
  const [current] = await pool.query<RowDataPacket[]>(
    `SELECT t.\`${id}\` AS n, ${ord} AS o, ${rowLineSql(spec, "t")} AS line FROM \`${table}\` t
      WHERE (t.\`${id}\` > ? OR (t.\`${id}\` = ? AND ${ord} > ?))
        AND NOT EXISTS (SELECT 1 FROM etl_changes c WHERE c.table_name = ? AND c.key_number = t.\`${id}\`
                        AND c.ordering = ${ord} AND c.run_id > ?)
      ORDER BY t.\`${id}\`${ordered(table) ? ", t.`ordering`" : ""} LIMIT ?`,
    [afterNumber, afterNumber, afterOrdering, table, afterRun, page.limit],
  );
  const [earlier] = await pool.query<RowDataPacket[]>(
    `SELECT c.key_number AS n, c.ordering AS o, c.old_line AS line FROM etl_changes c
      WHERE c.table_name = ? AND (c.key_number > ? OR (c.key_number = ? AND c.ordering > ?)) AND c.kind <> 'insert'
        AND c.run_id = (SELECT MIN(f.run_id) FROM etl_changes f WHERE f.table_name = c.table_name
                        AND f.key_number = c.key_number AND f.ordering = c.ordering AND f.run_id > ?)
      ORDER BY c.key_number, c.ordering LIMIT ?`,
    [table, afterNumber, afterNumber, afterOrdering, afterRun, page.limit],
  );
  const merged = [...current, ...earlier]
    .map((r) => ({ n: Number(r.n), o: Number(r.o), line: String(r.line) }))
    .sort((a, b) => a.n - b.n || a.o - b.o)
    .slice(0, page.limit);
  const last = merged.at(-1);
  return {
    rows: merged.map((r) => lineColumns(table, r.line)),
    next: merged.length === page.limit && last ? [last.n, last.o] : null,
  };
}

/** What `GET /api/tables/:table/history` asks: one key's versions or state, or a page of the whole table then. */
export interface TableHistoryQuery {
  key?: string;
  ordering: number;
  afterRun?: number;
  /** The `next` of the previous page: `<key number>.<ordering>`. */
  after?: string;
  limit: number;
}

/**
 * One request of the table history API: with a key, its versions (or, with afterRun, its row as it was after
 * that run); without, a page of the table as it was after afterRun. Undefined: a key that is not this table's.
 * Throws HistoryNotKept for a run before the table's horizon.
 */
export async function tableHistory(table: TableName, query: TableHistoryQuery, pool: Pool = getPool()) {
  if (query.key !== undefined) {
    const key = parseKey(query.key);
    if (key?.prefix !== keyPrefix(datasets[table])) return undefined;
    const ordering = ordered(table) ? query.ordering : 0;
    if (query.afterRun === undefined) return { versions: await keyVersions(table, key.number, ordering, pool) };
    return { row: (await rowAsOf(table, key.number, ordering, query.afterRun, pool)) ?? null };
  }
  const [number, ordering] = (query.after ?? "").split(".").map(Number);
  const after: [number, number] | undefined = query.after ? [number ?? 0, ordering ?? 0] : undefined;
  const afterRun = query.afterRun ?? Number.MAX_SAFE_INTEGER;
  const page = await tableAsOf(table, afterRun, { after, limit: query.limit }, pool);
  return { rows: page.rows, next: page.next ? page.next.join(".") : null };
}
