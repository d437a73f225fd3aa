/**
 * Data-quality checks: rows of one IMDb table whose key is missing from the table it names (credits of titles
 * or people that name.basics / title.basics do not have, akas and episodes of unknown titles, …). IMDb's files
 * carry such rows; a foreign key would refuse them, and people's inner joins silently drop them.
 *
 * Every row a check finds is kept in etl_quality_rows, so that the count is exact and cheap to carry forward:
 * after an incremental run only the rows the run touched are checked again (the child rows it changed, and
 * the child rows that point at parent keys it inserted or deleted, both known from etl_changes), the rest is
 * carried forward. When a table changed without its changes logged (a first build, HISTORY_RETENTION off, a
 * purge past the last check: etl_history_horizon says which), the check counts every row again.
 */
import type { Pool, PoolConnection, RowDataPacket } from "mysql2/promise";
import { datasets, hasOrdering, type TableName } from "../catalog/datasets";

export interface QualityCheck {
  name: string;
  /** The table whose rows are checked. */
  child: TableName;
  /** The table the row's key must be in. */
  parent: "title_basics" | "name_basics";
  /** The child's column holding the key (text), and the parent's column it must be found in. */
  column: string;
  parentColumn: "tconst" | "nconst";
  /** The same key as a number in the child (tid), when it is one: a lookup by the parent's primary key. */
  byNumber: boolean;
  /** What it means, for the Quality page and docs/operations.md. */
  description: string;
}

const check = (
  name: string,
  child: TableName,
  column: string,
  parent: QualityCheck["parent"],
  description: string,
): QualityCheck => ({
  name,
  child,
  parent,
  column,
  parentColumn: parent === "name_basics" ? "nconst" : "tconst",
  byNumber: parent === "title_basics" && column !== "parentTconst",
  description,
});

export const qualityChecks: QualityCheck[] = [
  check(
    "principals_unknown_title",
    "title_principals",
    "tconst",
    "title_basics",
    "credits of a title missing from title_basics",
  ),
  check(
    "principals_unknown_name",
    "title_principals",
    "nconst",
    "name_basics",
    "credits naming a person missing from name_basics",
  ),
  check(
    "akas_unknown_title",
    "title_akas",
    "titleId",
    "title_basics",
    "alternative titles of a title missing from title_basics",
  ),
  check(
    "episodes_unknown_series",
    "title_episode",
    "parentTconst",
    "title_basics",
    "episodes whose series is missing from title_basics",
  ),
  check(
    "episodes_unknown_title",
    "title_episode",
    "tconst",
    "title_basics",
    "episodes that are missing from title_basics themselves",
  ),
  check(
    "ratings_unknown_title",
    "title_ratings",
    "tconst",
    "title_basics",
    "ratings of a title missing from title_basics",
  ),
  check(
    "crew_unknown_title",
    "title_crew",
    "tconst",
    "title_basics",
    "crew lists of a title missing from title_basics",
  ),
];

export const qualityCheckNames = qualityChecks.map((c) => c.name);

const ordered = (table: TableName) => hasOrdering(datasets[table]);

/**
 * The child rows (alias c) the check finds: their key is not in the parent table. A text key (nconst,
 * parentTconst) is looked up by the parent's primary key, the number after its prefix, and compared as text on
 * that one row ('nm1' is not 'nm0000001'): a join on the text would need the key indexes, which a first build
 * without them (and the bench's step that drops them) does not have. A key that is not prefix-and-digits is
 * missing by definition, and is kept away from CAST, whose warning a strict INSERT … SELECT makes an error.
 */
export function missingCondition(c: QualityCheck): string {
  if (c.byNumber) return `NOT EXISTS (SELECT 1 FROM \`${c.parent}\` p WHERE p.tid = c.tid)`;
  const key = `c.\`${c.column}\``;
  const prefix = c.parentColumn === "nconst" ? "nm" : "tt";
  const id = c.parent === "name_basics" ? "nid" : "tid";
  const lookup = `SELECT 1 FROM \`${c.parent}\` p WHERE p.${id} = CAST(SUBSTRING(${key}, 3) AS UNSIGNED) AND p.\`${c.parentColumn}\` = ${key}`;
  return `${key} IS NOT NULL AND (${key} NOT REGEXP '^${prefix}[0-9]{1,18}$' OR NOT EXISTS (${lookup}))`;
}

/** The columns of etl_quality_rows, selected from the child row c. */
function rowColumns(c: QualityCheck): string {
  return `?, c.tid, ${ordered(c.child) ? "c.ordering" : "0"}, c.\`${c.column}\``;
}

const insertRows = "INSERT INTO etl_quality_rows (check_name, key_number, ordering, ref_key)";

/** Counts every row again: the check's kept rows are replaced by a scan of the child table. */
export function recountSql(c: QualityCheck) {
  return {
    clear: "DELETE FROM etl_quality_rows WHERE check_name = ?",
    fill: `${insertRows} SELECT ${rowColumns(c)} FROM \`${c.child}\` c WHERE ${missingCondition(c)}`,
  };
}

/**
 * The statements that bring a check's rows up to date with the changes of runs (after, upTo]: the kept rows of
 * the child rows that changed, and those naming a parent key inserted or deleted, are dropped; then the same
 * child rows, read again, are added back where the key is still missing. Parameters: check, after, upTo.
 *
 * Only changes that can change a row's answer are read: a child row's key number is its primary key, so for a
 * check on it an update changes nothing (only inserts and deletes); for a check on another column (nconst,
 * parentTconst) an update counts only when its logged changed columns name that column. A parent's update
 * never changes whether its key exists.
 */
export function touchedSql(c: QualityCheck) {
  const changes = (table: TableName) =>
    `etl_changes ch WHERE ch.run_id > ? AND ch.run_id <= ? AND ch.table_name = '${table}'`;
  const columnChanged = `ch.changed_columns LIKE '%${JSON.stringify(c.column)}:{%'`;
  const [from, where] = changes(c.child).split(" WHERE ");
  const [parentFrom, parentWhere] = changes(c.parent).split(" WHERE ");
  const parentKinds = "ch.kind IN ('insert', 'delete')";
  const dropKinds = c.byNumber ? "ch.kind IN ('insert', 'delete')" : `(ch.kind <> 'update' OR ${columnChanged})`;
  const addKinds = c.byNumber
    ? "ch.kind = 'insert'"
    : `(ch.kind = 'insert' OR (ch.kind = 'update' AND ${columnChanged}))`;
  const childOrdering = ordered(c.child) ? "c.ordering = ch.ordering" : "ch.ordering = 0";
  const parentJoin = c.byNumber ? "c.tid = ch.key_number" : `c.\`${c.column}\` = ch.imdb_key`;
  const refJoin = c.byNumber ? "r.key_number = ch.key_number" : "r.ref_key = ch.imdb_key";
  const upsert = "ON DUPLICATE KEY UPDATE ref_key = VALUES(ref_key)";
  return [
    `DELETE r FROM etl_quality_rows r JOIN ${from} ON r.check_name = ? AND r.key_number = ch.key_number AND r.ordering = ch.ordering WHERE ${where} AND ${dropKinds}`,
    `DELETE r FROM etl_quality_rows r JOIN ${parentFrom} ON r.check_name = ? AND ${refJoin} WHERE ${parentWhere} AND ${parentKinds}`,
    `${insertRows} SELECT ${rowColumns(c)} FROM ${from} JOIN \`${c.child}\` c ON c.tid = ch.key_number AND ${childOrdering} WHERE ${where} AND ${addKinds} AND ${missingCondition(c)} ${upsert}`,
    `${insertRows} SELECT ${rowColumns(c)} FROM ${parentFrom} JOIN \`${c.child}\` c ON ${parentJoin} WHERE ${parentWhere} AND ${parentKinds} AND ${missingCondition(c)} ${upsert}`,
  ];
}

export interface QualityResult {
  name: string;
  rows: number;
  /** Up to five of the missing keys. */
  examples: string[];
  method: "full" | "incremental" | "carried";
  seconds: number;
}

/** The run up to which each table's changes are all in etl_changes from (etl_history_horizon), 0 if unset. */
async function horizons(connection: PoolConnection): Promise<Map<string, number>> {
  const [rows] = await connection.query<RowDataPacket[]>("SELECT table_name, after_run FROM etl_history_horizon");
  return new Map(rows.map((r) => [String(r.table_name), Number(r.after_run)]));
}

/** The tables that runs (after, upTo] changed (rows written, or replaced by a first build). */
async function changedTables(connection: PoolConnection, after: number, upTo: number): Promise<Set<string>> {
  const [rows] = await connection.query<RowDataPacket[]>(
    `SELECT DISTINCT t.table_name FROM etl_run_tables t JOIN etl_runs r ON r.id = t.run_id
      WHERE t.run_id > ? AND t.run_id <= ? AND r.mode <> 'verify'
        AND (t.inserted + t.updated + t.deleted > 0 OR (r.mode = 'first-run' AND t.status = 'succeeded'))`,
    [after, upTo],
  );
  return new Set(rows.map((r) => String(r.table_name)));
}

async function summary(connection: PoolConnection, name: string): Promise<{ rows: number; examples: string[] }> {
  const [[counted]] = (await connection.query("SELECT COUNT(*) AS n FROM etl_quality_rows WHERE check_name = ?", [
    name,
  ])) as unknown as [[{ n: number }]];
  // Five distinct missing keys, read off the (check_name, ref_key) index.
  const [first] = await connection.query<RowDataPacket[]>(
    "SELECT DISTINCT ref_key FROM etl_quality_rows WHERE check_name = ? ORDER BY ref_key LIMIT 5",
    [name],
  );
  const examples = first.map((r) => String(r.ref_key));
  return { rows: Number(counted.n), examples };
}

export interface RunChecksOptions {
  /** The run whose changes are the last to take in; the results are recorded under it (null: on demand). */
  runId: number | null;
  /** The newest run whose changes the tables hold (for a run: runId). */
  upTo: number;
  /** Count every row of every check again. */
  full?: boolean;
}

/** Checks run one at a time, across processes (a run's checks and an on-demand recount never interleave). */
const lockName = "CONCAT('imdb_quality:', LEFT(SHA1(DATABASE()), 16))";

/**
 * Brings every check up to date with the tables and records each count (etl_quality_results). A check whose
 * tables did not change since it was last brought up to date is carried forward; one whose changes are all
 * in etl_changes is counted on the touched rows only; any other is counted again in full.
 */
export async function runQualityChecks(pool: Pool, options: RunChecksOptions): Promise<QualityResult[]> {
  const connection = await pool.getConnection();
  try {
    // Reads of the IMDb tables take no locks: a sync applying beside an on-demand recount is not held up.
    await connection.query("SET SESSION TRANSACTION ISOLATION LEVEL READ COMMITTED");
    const [locked] = await connection.query<RowDataPacket[]>(`SELECT GET_LOCK(${lockName}, 600) AS ok`);
    if (Number(locked[0]?.ok) !== 1) throw new Error("The data-quality checks are busy elsewhere (waited 10 minutes).");
    try {
      return await checkAll(connection, options);
    } finally {
      await connection.query(`SELECT RELEASE_LOCK(${lockName})`);
    }
  } finally {
    await connection.query("SET SESSION TRANSACTION ISOLATION LEVEL REPEATABLE READ").catch(() => undefined);
    connection.release();
  }
}

async function checkAll(connection: PoolConnection, options: RunChecksOptions): Promise<QualityResult[]> {
  const [stateRows] = await connection.query<RowDataPacket[]>("SELECT check_name, as_of_run FROM etl_quality_state");
  const state = new Map(stateRows.map((r) => [String(r.check_name), Number(r.as_of_run)]));
  const horizon = await horizons(connection);
  const results: QualityResult[] = [];
  // Checks brought up to date by the same run share the question of which tables changed since.
  const changedSince = new Map<number, Set<string>>();
  for (const c of qualityChecks) {
    const started = performance.now();
    const asOf = state.get(c.name);
    let method: QualityResult["method"] = "full";
    if (!options.full && asOf !== undefined && asOf <= options.upTo) {
      const changed = changedSince.get(asOf) ?? (await changedTables(connection, asOf, options.upTo));
      changedSince.set(asOf, changed);
      const logged = [c.child, c.parent].every((t) => (horizon.get(t) ?? 0) <= asOf);
      if (!changed.has(c.child) && !changed.has(c.parent)) method = "carried";
      else if (logged) method = "incremental";
    }
    await connection.beginTransaction();
    try {
      if (method === "full") {
        const sql = recountSql(c);
        await connection.query(sql.clear, [c.name]);
        await connection.query(sql.fill, [c.name]);
      } else if (method === "incremental") {
        const [dropChanged, dropParents, addChanged, addParents] = touchedSql(c);
        const range = [asOf, options.upTo];
        await connection.query(dropChanged as string, [c.name, ...range]);
        await connection.query(dropParents as string, [c.name, ...range]);
        await connection.query(addChanged as string, [c.name, ...range]);
        await connection.query(addParents as string, [c.name, ...range]);
      }
      await connection.query(
        "INSERT INTO etl_quality_state (check_name, as_of_run) VALUES (?, ?) ON DUPLICATE KEY UPDATE as_of_run = VALUES(as_of_run)",
        [c.name, options.upTo],
      );
      const found = await summary(connection, c.name);
      const seconds = (performance.now() - started) / 1000;
      await connection.query(
        "INSERT INTO etl_quality_results (run_id, check_name, `rows`, examples, method, seconds) VALUES (?, ?, ?, ?, ?, ?)",
        [options.runId, c.name, found.rows, JSON.stringify(found.examples), method, seconds.toFixed(3)],
      );
      await connection.commit();
      results.push({ name: c.name, ...found, method, seconds });
    } catch (error) {
      await connection.rollback().catch(() => undefined);
      throw error;
    }
  }
  return results;
}

/**
 * The run up to which an on-demand recount is exact: the newest run, or the one before the active run (whose
 * own checks, at its end, take in its changes, whichever of the two finishes first).
 */
export async function onDemandUpTo(pool: Pool): Promise<number> {
  const [rows] = await pool.query<RowDataPacket[]>(
    "SELECT COALESCE(MAX(id), 0) AS latest, MIN(CASE WHEN status IN ('queued', 'running') THEN id END) AS active FROM etl_runs",
  );
  const active = rows[0]?.active;
  return active !== null && active !== undefined ? Number(active) - 1 : Number(rows[0]?.latest ?? 0);
}
