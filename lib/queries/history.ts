/**
 * Read models of the change history (issue 13): a run's changes (keyset pages), changes across recent runs,
 * a key's versions (SCD type 2, rebuilt from the change log and the main table), the table as it was after a
 * run, and the history of a title and of a person. Each takes the pool last so that tests can point it at
 * their own database.
 */
import "server-only";
import type { Pool, RowDataPacket } from "mysql2/promise";
import type { ChangeKind } from "@/db/run-states";
import {
  datasets,
  formatKey,
  hasOrdering,
  keyColumns,
  keyPrefix,
  parseKey,
  type TableName,
  tableNames,
} from "@/lib/catalog/datasets";
import { rowLineSql } from "@/lib/catalog/row-line";
import { getPool } from "@/lib/db";

export interface ColumnChange {
  old: string | null;
  new: string | null;
}

/** One logged change, as `GET /api/runs/:id/changes` answers it. */
export interface Change {
  table: TableName;
  key: string;
  /** Set for title_akas and title_principals. */
  ordering: number | null;
  kind: ChangeKind;
  /** An update's changed columns; absent for inserts and deletes. */
  columns?: Record<string, ColumnChange>;
}

/** A change with the run that made it and when that run started. */
export interface DatedChange extends Change {
  runId: number;
  at: Date | null;
}

export interface ChangeFilter {
  table?: TableName;
  kind?: ChangeKind;
  /** An IMDb key (tt…/nm…): only that key's changes. */
  key?: string;
  /** The cursor of the previous page (`next`). */
  after?: string;
  limit: number;
}

const titleTables = tableNames.filter((t) => t !== "name_basics");
const ordered = (table: TableName) => hasOrdering(datasets[table]);

/** An IMDb line back into its columns, by the table's header: `\N` is NULL. */
export function lineColumns(table: TableName, line: string): Record<string, string | null> {
  const values = line.split("\t");
  return Object.fromEntries(
    datasets[table].fields.map((f, i) => [f.name, values[i] === "\\N" ? null : (values[i] ?? null)]),
  );
}

/** The cursor of a page's last row: where the next page starts (table, key number, ordering). */
const cursorOf = (row: RowDataPacket) => `${row.table_name}.${row.key_number}.${row.ordering}`;
const changeCursor = (change: Change) => `${change.table}.${parseKey(change.key)?.number ?? 0}.${change.ordering ?? 0}`;

function parseCursor(cursor: string | undefined): [TableName, number, number] | undefined {
  const match = cursor ? /^([a-z_]+)\.(\d+)\.(\d+)$/.exec(cursor) : null;
  const table = match?.[1];
  if (!match || !table || !(tableNames as readonly string[]).includes(table)) return undefined;
  return [table as TableName, Number(match[2]), Number(match[3])];
}

/** A log row as the API shows it. MariaDB returns the JSON text as a string, MySQL may parse it already. */
function toChange(row: RowDataPacket): Change {
  const table = String(row.table_name) as TableName;
  const change: Change = {
    table,
    key: formatKey(datasets[table], Number(row.key_number)),
    ordering: ordered(table) ? Number(row.ordering) : null,
    kind: row.kind as ChangeKind,
  };
  if (change.kind === "update") {
    const raw = row.changed_columns;
    change.columns = (typeof raw === "string" ? JSON.parse(raw) : (raw ?? {})) as Record<string, ColumnChange>;
  }
  return change;
}

/** Conditions for a filter (without the run or the cursor), with their parameters. */
function filterSql(filter: Omit<ChangeFilter, "after" | "limit">): { where: string[]; params: unknown[] } {
  const where: string[] = [];
  const params: unknown[] = [];
  if (filter.table) {
    where.push("table_name = ?");
    params.push(filter.table);
  }
  if (filter.kind) {
    where.push("kind = ?");
    params.push(filter.kind);
  }
  if (filter.key !== undefined) {
    const key = parseKey(filter.key.trim());
    // A key that is no IMDb key matches nothing. A list of tables rather than `<> 'name_basics'`: each table is
    // then a point range of the primary key with the key number.
    where.push(key ? "table_name IN (?) AND key_number = ?" : "FALSE");
    if (key) params.push(key.prefix === "nm" ? ["name_basics"] : titleTables, key.number);
  }
  return { where, params };
}

/**
 * One page of a run's changes, in the log's primary-key order (table, then key): `next` is the cursor of the
 * following page, null on the last. Keyset pagination, so a deep page costs what the first does.
 */
export async function runChanges(
  runId: number,
  filter: ChangeFilter,
  pool: Pool = getPool(),
): Promise<{ changes: Change[]; next: string | null }> {
  const { where, params } = filterSql(filter);
  const after = parseCursor(filter.after);
  if (after) {
    where.push("(table_name > ? OR (table_name = ? AND (key_number > ? OR (key_number = ? AND ordering > ?))))");
    params.push(after[0], after[0], after[1], after[1], after[2]);
  }
  const [rows] = await pool.query<RowDataPacket[]>(
    `SELECT table_name, key_number, ordering, kind, changed_columns FROM etl_changes
      WHERE run_id = ? ${where.map((w) => `AND ${w}`).join(" ")}
      ORDER BY table_name, key_number, ordering LIMIT ?`,
    [runId, ...params, filter.limit + 1],
  );
  const page = rows.slice(0, filter.limit);
  const last = page.at(-1);
  return { changes: page.map(toChange), next: rows.length > filter.limit && last ? cursorOf(last) : null };
}

/**
 * Changes of the runs started since `since`, newest run first and in key order within a run, a page at a time
 * (`before`: `<run>:<cursor>` of the previous page's last row). Run by run through runChanges, so each query
 * is a primary-key range of one run, however many changes the window holds.
 */
export async function recentChanges(
  since: Date,
  filter: Omit<ChangeFilter, "after"> & { before?: string },
  pool: Pool = getPool(),
): Promise<{ changes: DatedChange[]; next: string | null }> {
  const [runPart, rowPart] = (filter.before ?? "").split(":");
  const fromRun = filter.before ? Number(runPart) : Number.NaN;
  const [runs] = await pool.query<RowDataPacket[]>(
    `SELECT id, COALESCE(started_at, created_at) AS at FROM etl_runs
      WHERE mode = 'incremental' AND COALESCE(started_at, created_at) >= ? AND id <= ? ORDER BY id DESC`,
    [since, Number.isSafeInteger(fromRun) ? fromRun : 4294967295],
  );
  const changes: DatedChange[] = [];
  for (const run of runs) {
    const runId = Number(run.id);
    const after = runId === fromRun ? rowPart : undefined;
    const page = await runChanges(runId, { ...filter, after, limit: filter.limit - changes.length }, pool);
    changes.push(...page.changes.map((c) => ({ ...c, runId, at: run.at as Date | null })));
    if (changes.length === filter.limit) {
      // Full: the next page starts after this row, in this run or (its last row) in the next one.
      const last = page.changes.at(-1);
      const more = page.next !== null || runs.at(-1) !== run;
      return { changes, next: more && last ? `${runId}:${changeCursor(last)}` : null };
    }
  }
  return { changes, next: null };
}

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

/** One point of a title's rating over time: the rating and votes from the run that wrote them. */
export interface RatingPoint {
  runId: number;
  at: Date | null;
  averageRating: string | null;
  numVotes: number | null;
}

async function runTimes(pool: Pool, ids: number[]): Promise<Map<number, Date | null>> {
  if (ids.length === 0) return new Map();
  const [rows] = await pool.query<RowDataPacket[]>(
    "SELECT id, COALESCE(started_at, created_at) AS at FROM etl_runs WHERE id IN (?)",
    [[...new Set(ids)]],
  );
  return new Map(rows.map((r) => [Number(r.id), r.at as Date | null]));
}

/** The first build a row from before the log came from: the table's newest first build before `beforeRun`. */
async function firstBuildBefore(pool: Pool, table: TableName, beforeRun: number | null): Promise<number | undefined> {
  const [rows] = await pool.query<RowDataPacket[]>(
    `SELECT MAX(r.id) AS id FROM etl_runs r JOIN etl_run_tables t ON t.run_id = r.id
      WHERE t.table_name = ? AND r.mode = 'first-run' AND t.status = 'succeeded' AND r.id < ?`,
    [table, beforeRun ?? 4294967295],
  );
  return rows[0]?.id === null || rows[0]?.id === undefined ? undefined : Number(rows[0].id);
}

/** A title's rating and votes after each run that wrote them, oldest first (a deleted rating ends the line). */
async function ratingPoints(pool: Pool, tid: number): Promise<RatingPoint[]> {
  const versions = await keyVersions("title_ratings", tid, 0, pool);
  const points: { runId: number; row: Record<string, string | null> | null }[] = [];
  for (const v of versions) {
    const runId = v.validFromRun ?? (await firstBuildBefore(pool, "title_ratings", v.validToRun));
    if (runId !== undefined) points.push({ runId, row: v.row });
  }
  const times = await runTimes(
    pool,
    points.map((p) => p.runId),
  );
  return points.map(({ runId, row }) => ({
    runId,
    at: times.get(runId) ?? null,
    averageRating: row?.averageRating ?? null,
    numVotes: row?.numVotes === null || row?.numVotes === undefined ? null : Number(row.numVotes),
  }));
}

export const historyLimit = 500;

/** The newest logged changes of the given (table, key number[, ordering]) rows, with their runs' times. */
async function changesOfKeys(pool: Pool, where: string, params: unknown[]): Promise<DatedChange[]> {
  const [rows] = await pool.query<RowDataPacket[]>(
    `SELECT c.run_id, COALESCE(r.started_at, r.created_at) AS at, c.table_name, c.key_number, c.ordering, c.kind,
            c.changed_columns
       FROM etl_changes c JOIN etl_runs r ON r.id = c.run_id
      WHERE ${where}
      ORDER BY c.run_id DESC, c.table_name, c.ordering LIMIT ${historyLimit}`,
    params,
  );
  return rows.map((r) => ({ ...toChange(r), runId: Number(r.run_id), at: r.at as Date | null }));
}

/**
 * A title's history: its rating and votes over time, and every logged change of its basics, akas, crew,
 * episode, principals and rating (newest first, at most historyLimit). Undefined for a key that is no title's.
 */
export async function titleHistory(tconst: string, pool: Pool = getPool()) {
  const key = parseKey(tconst);
  if (key?.prefix !== "tt") return undefined;
  const [ratings, changes] = await Promise.all([
    ratingPoints(pool, key.number),
    changesOfKeys(pool, "c.table_name IN (?) AND c.key_number = ?", [titleTables, key.number]),
  ]);
  return { tconst, ratings, changes };
}

/**
 * A person's history: every logged change of their name_basics row and of the principal credits that name them
 * now (a credit moved to someone else is in the title's history, not theirs). Undefined for a key that is no person's.
 */
export async function nameHistory(nconst: string, pool: Pool = getPool()) {
  const key = parseKey(nconst);
  if (key?.prefix !== "nm") return undefined;
  const [own, credits] = await Promise.all([
    changesOfKeys(pool, "c.table_name = 'name_basics' AND c.key_number = ?", [key.number]),
    changesOfKeys(
      pool,
      `c.table_name = 'title_principals' AND (c.key_number, c.ordering) IN
         (SELECT tid, ordering FROM title_principals WHERE nconst = ?)`,
      [nconst],
    ),
  ]);
  const changes = [...own, ...credits].sort((a, b) => b.runId - a.runId).slice(0, historyLimit);
  return { nconst, changes };
}

/** Whether a run exists (a changes request for an unknown run is a 404, not an empty list). */
export async function runExists(runId: number, pool: Pool = getPool()): Promise<boolean> {
  const [rows] = await pool.query<RowDataPacket[]>("SELECT 1 FROM etl_runs WHERE id = ?", [runId]);
  return rows.length > 0;
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

/** First builds started since `since`, newest first, with the tables each replaced (they log no rows). */
export async function firstBuildsSince(since: Date, pool: Pool = getPool()) {
  const [rows] = await pool.query<RowDataPacket[]>(
    `SELECT r.id, COALESCE(r.started_at, r.created_at) AS at, GROUP_CONCAT(t.table_name ORDER BY t.table_name) AS tables
       FROM etl_runs r JOIN etl_run_tables t ON t.run_id = r.id AND t.status = 'succeeded'
      WHERE r.mode = 'first-run' AND COALESCE(r.started_at, r.created_at) >= ?
      GROUP BY r.id ORDER BY r.id DESC`,
    [since],
  );
  return rows.map((r) => ({ runId: Number(r.id), at: r.at as Date | null, tables: String(r.tables).split(",") }));
}
