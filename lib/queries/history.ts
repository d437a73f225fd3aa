/**
 * Read models of the change history (issue 13): a run's changes (keyset pages), changes across recent runs
 * a key's versions (SCD type 2, rebuilt from the change log and the main table), the table as it was after a
 * run, and the history of a title and of a person, each through the read cache (read-cache.ts). Each takes the
 * pool last so that tests can point it at their own database.
 */
import "server-only";
import type { Pool, RowDataPacket } from "mysql2/promise";
import type { ChangeKind } from "@/db/run-states";
import { parseKey, type TableName, tableNames } from "@/lib/catalog/datasets";
import { getPool } from "@/lib/db";
import { type Change, type ColumnChange, type DatedChange, lineColumns, toChange } from "./history-rows";
import { readThrough } from "./read-cache";
import { keyVersions } from "./table-history";

export type { Change, ColumnChange, DatedChange };
export { lineColumns };

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

/** The cursor of a page's last row: where the next page starts (table, key number, ordering). */
const cursorOf = (row: RowDataPacket) => `${row.table_name}.${row.key_number}.${row.ordering}`;
const changeCursor = (change: Change) => `${change.table}.${parseKey(change.key)?.number ?? 0}.${change.ordering ?? 0}`;

function parseCursor(cursor: string | undefined): [TableName, number, number] | undefined {
  const match = cursor ? /^([a-z_]+)\.(\d+)\.(\d+)$/.exec(cursor) : null;
  const table = match?.[1];
  if (!match || !table || !(tableNames as readonly string[]).includes(table)) return undefined;
  return [table as TableName, Number(match[2]), Number(match[3])];
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
export function runChanges(
  runId: number,
  filter: ChangeFilter,
  pool: Pool = getPool(),
): Promise<{ changes: Change[]; next: string | null }> {
  return readThrough(pool, ["runChanges", runId, filter], () => readRunChanges(runId, filter, pool));
}

async function readRunChanges(
  runId: number,
  filter: ChangeFilter,
  pool: Pool,
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
export function recentChanges(
  since: Date,
  filter: Omit<ChangeFilter, "after"> & { before?: string },
  pool: Pool = getPool(),
): Promise<{ changes: DatedChange[]; next: string | null }> {
  return readThrough(pool, ["recentChanges", since, filter], () => readRecentChanges(since, filter, pool));
}

async function readRecentChanges(
  since: Date,
  filter: Omit<ChangeFilter, "after"> & { before?: string },
  pool: Pool,
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
    const page = await readRunChanges(runId, { ...filter, after, limit: filter.limit - changes.length }, pool);
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
/** The log and its runs; a caller may put the rows that drive the read before them (`from`). */
const changesWithRuns = "etl_changes c JOIN etl_runs r ON r.id = c.run_id";

async function changesOfKeys(
  pool: Pool,
  where: string,
  params: unknown[],
  from = changesWithRuns,
): Promise<DatedChange[]> {
  const [rows] = await pool.query<RowDataPacket[]>(
    `SELECT c.run_id, COALESCE(r.started_at, r.created_at) AS at, c.table_name, c.key_number, c.ordering, c.kind,
            c.changed_columns
       FROM ${from}
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
export function titleHistory(tconst: string, pool: Pool = getPool()) {
  return readThrough(pool, ["titleHistory", tconst], () => readTitleHistory(tconst, pool));
}

async function readTitleHistory(tconst: string, pool: Pool) {
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
export function nameHistory(nconst: string, pool: Pool = getPool()) {
  return readThrough(pool, ["nameHistory", nconst], () => readNameHistory(nconst, pool));
}

async function readNameHistory(nconst: string, pool: Pool) {
  const key = parseKey(nconst);
  if (key?.prefix !== "nm") return undefined;
  const [own, credits] = await Promise.all([
    changesOfKeys(pool, "c.table_name = 'name_basics' AND c.key_number = ?", [key.number]),
    // Driven by the person's credits (the nconst index), each looked up in the log by its key (etl_changes_key),
    // in that order by STRAIGHT_JOIN: left to choose, the server read the log of every principals change of every
    // run first (745 k rows, 1.3 s for a person with 3,300 credits at 0.1x).
    changesOfKeys(
      pool,
      "p.nconst = ?",
      [nconst],
      `title_principals p STRAIGHT_JOIN etl_changes c
         ON c.table_name = 'title_principals' AND c.key_number = p.tid AND c.ordering = p.ordering
       JOIN etl_runs r ON r.id = c.run_id`,
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

/** First builds started since `since`, newest first, with the tables each replaced (they log no rows). */
export function firstBuildsSince(since: Date, pool: Pool = getPool()) {
  return readThrough(pool, ["firstBuildsSince", since], () => readFirstBuildsSince(since, pool));
}

async function readFirstBuildsSince(since: Date, pool: Pool) {
  const [rows] = await pool.query<RowDataPacket[]>(
    `SELECT r.id, COALESCE(r.started_at, r.created_at) AS at, GROUP_CONCAT(t.table_name ORDER BY t.table_name) AS tables
       FROM etl_runs r JOIN etl_run_tables t ON t.run_id = r.id AND t.status = 'succeeded'
      WHERE r.mode = 'first-run' AND COALESCE(r.started_at, r.created_at) >= ?
      GROUP BY r.id ORDER BY r.id DESC`,
    [since],
  );
  return rows.map((r) => ({ runId: Number(r.id), at: r.at as Date | null, tables: String(r.tables).split(",") }));
}
