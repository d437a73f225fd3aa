/**
 * The database schema: the seven IMDb tables (a column per header field, named as the header), the
 * normalised genres, and the sync bookkeeping. Migrations are generated from this file by drizzle-kit.
 *
 * IMDb keys (tt0000001, nm0000001) are stored as their number (`tid`, `nid`), the primary key; the
 * text key is a generated column computed from it. A numeric key keeps the table in the files' own
 * order (numeric, so tt9999999 comes before tt10000000), which the incremental merge relies on.
 * Every text key column has an index of its own (`<table>_<column>`), so people's SQL on IMDb's keys
 * (`WHERE tconst = ?`, `JOIN … ON a.tconst = b.tconst`) is an index lookup, not a full scan
 * (measured at 0.01×: +1.1 s of an 8.3 s first build, +102 MB of 299 MB).
 *
 * The text keys and etl_runs.active_slot are STORED, not VIRTUAL (27 MB more at 0.01×): InnoDB's purge
 * opens every table with an indexed VIRTUAL column through the SQL layer, and on a Galera node of MariaDB
 * 10.11.19 whose purge session a DDL (in total order isolation) has BF-aborted that open fails for ever,
 * so purge retries it in a loop that grows the server's memory without bound (README: "Known server
 * bug"). No table may have an index on a VIRTUAL column.
 */
import { type SQL, sql } from "drizzle-orm";
import {
  bigint,
  boolean,
  customType,
  datetime,
  decimal,
  index,
  int,
  longtext,
  mediumtext,
  mysqlEnum,
  mysqlTable,
  primaryKey,
  smallint,
  text,
  tinyint,
  uniqueIndex,
  varchar,
} from "drizzle-orm/mysql-core";
import {
  changeKinds,
  deliveryOutcomes,
  driftKinds,
  firingOutcomes,
  notifyEvents,
  qualityMethods,
  runLogLevels,
  runModes,
  runStatuses,
  scheduleModes,
  tableStatuses,
} from "./run-states";

export * from "./run-states";

/** BINARY(8) that round-trips Buffers (drizzle's own binary() decodes bytes as text). */
export const binary8 = customType<{ data: Buffer; driverData: Buffer }>({
  dataType: () => "binary(8)",
  fromDriver: (value) => value,
  toDriver: (value) => value,
});

/** BINARY(32): SHA-256 digests. */
const binary32 = customType<{ data: Buffer; driverData: Buffer }>({
  dataType: () => "binary(32)",
  fromDriver: (value) => value,
  toDriver: (value) => value,
});

/** Text compared byte for byte (genre names that differ only in case are different genres). */
const binaryCollatedVarchar = customType<{ data: string; config: { length: number } }>({
  dataType: (config) => `varchar(${config?.length ?? 255}) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin`,
});

/** The IMDb text key from its number: 7 digits at least, zero padded (tt0000001, tt10000000). */
export function textKey(prefix: "tt" | "nm", numberColumn: string): SQL {
  return sql.raw(`concat('${prefix}', lpad(\`${numberColumn}\`, greatest(7, length(\`${numberColumn}\`)), '0'))`);
}

const titleNumber = () => int("tid", { unsigned: true }).notNull();
const titleKey = (name: string) =>
  varchar(name, { length: 12 }).generatedAlwaysAs(textKey("tt", "tid"), { mode: "stored" });
const rowHash = () => binary8("row_hash").notNull();
const year = (name: string) => smallint(name, { unsigned: true });

export const nameBasics = mysqlTable(
  "name_basics",
  {
    nid: int("nid", { unsigned: true }).notNull().primaryKey(),
    nconst: varchar("nconst", { length: 12 }).generatedAlwaysAs(textKey("nm", "nid"), { mode: "stored" }),
    primaryName: varchar("primaryName", { length: 512 }),
    birthYear: year("birthYear"),
    deathYear: year("deathYear"),
    primaryProfession: varchar("primaryProfession", { length: 255 }),
    knownForTitles: varchar("knownForTitles", { length: 255 }),
    rowHash: rowHash(),
  },
  (t) => [index("name_basics_nconst").on(t.nconst), index("name_basics_primaryName").on(t.primaryName)],
);

export const titleBasics = mysqlTable(
  "title_basics",
  {
    tid: titleNumber().primaryKey(),
    tconst: titleKey("tconst"),
    titleType: varchar("titleType", { length: 32 }),
    primaryTitle: varchar("primaryTitle", { length: 768 }),
    originalTitle: varchar("originalTitle", { length: 768 }),
    isAdult: tinyint("isAdult", { unsigned: true }),
    startYear: year("startYear"),
    endYear: year("endYear"),
    runtimeMinutes: int("runtimeMinutes", { unsigned: true }),
    genres: varchar("genres", { length: 255 }),
    rowHash: rowHash(),
  },
  (t) => [
    index("title_basics_tconst").on(t.tconst),
    index("title_basics_startYear").on(t.startYear),
    index("title_basics_genres").on(t.genres),
    index("title_basics_primaryTitle").on(t.primaryTitle),
    index("title_basics_titleType_startYear").on(t.titleType, t.startYear),
  ],
);

export const titleAkas = mysqlTable(
  "title_akas",
  {
    tid: titleNumber(),
    titleId: titleKey("titleId"),
    ordering: smallint("ordering", { unsigned: true }).notNull(),
    title: varchar("title", { length: 768 }),
    region: varchar("region", { length: 16 }),
    language: varchar("language", { length: 16 }),
    types: varchar("types", { length: 255 }),
    attributes: varchar("attributes", { length: 255 }),
    isOriginalTitle: tinyint("isOriginalTitle", { unsigned: true }),
    rowHash: rowHash(),
  },
  (t) => [
    primaryKey({ columns: [t.tid, t.ordering] }),
    index("title_akas_titleId").on(t.titleId),
    index("title_akas_title").on(t.title),
  ],
);

export const titleCrew = mysqlTable(
  "title_crew",
  {
    tid: titleNumber().primaryKey(),
    tconst: titleKey("tconst"),
    directors: mediumtext("directors"),
    writers: mediumtext("writers"),
    rowHash: rowHash(),
  },
  (t) => [index("title_crew_tconst").on(t.tconst)],
);

export const titleEpisode = mysqlTable(
  "title_episode",
  {
    tid: titleNumber().primaryKey(),
    tconst: titleKey("tconst"),
    parentTconst: varchar("parentTconst", { length: 12 }),
    seasonNumber: int("seasonNumber", { unsigned: true }),
    episodeNumber: int("episodeNumber", { unsigned: true }),
    rowHash: rowHash(),
  },
  (t) => [index("title_episode_tconst").on(t.tconst), index("title_episode_parentTconst").on(t.parentTconst)],
);

export const titlePrincipals = mysqlTable(
  "title_principals",
  {
    tid: titleNumber(),
    tconst: titleKey("tconst"),
    ordering: smallint("ordering", { unsigned: true }).notNull(),
    nconst: varchar("nconst", { length: 12 }),
    category: varchar("category", { length: 64 }),
    job: varchar("job", { length: 1024 }),
    characters: text("characters"),
    rowHash: rowHash(),
  },
  (t) => [
    primaryKey({ columns: [t.tid, t.ordering] }),
    index("title_principals_tconst").on(t.tconst),
    index("title_principals_nconst").on(t.nconst),
  ],
);

export const titleRatings = mysqlTable(
  "title_ratings",
  {
    tid: titleNumber().primaryKey(),
    tconst: titleKey("tconst"),
    averageRating: decimal("averageRating", { precision: 3, scale: 1 }),
    numVotes: int("numVotes", { unsigned: true }),
    rowHash: rowHash(),
  },
  (t) => [
    index("title_ratings_tconst").on(t.tconst),
    index("title_ratings_numVotes").on(t.numVotes),
    index("title_ratings_averageRating").on(t.averageRating),
  ],
);

export const genres = mysqlTable("genres", {
  genreId: smallint("genre_id", { unsigned: true }).notNull().primaryKey(),
  genreName: binaryCollatedVarchar("genre_name", { length: 64 }).notNull().unique("genres_genre_name"),
  /** Titles in the genre, kept by the engine: recounted after a first build, adjusted by the changed titles of an incremental run (a COUNT over millions is too slow for a page). */
  titleCount: int("title_count", { unsigned: true }).notNull().default(0),
});

export const titleGenres = mysqlTable(
  "title_genres",
  {
    tid: titleNumber(),
    tconst: titleKey("tconst"),
    genreId: smallint("genre_id", { unsigned: true }).notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.tid, t.genreId] }),
    index("title_genres_tconst").on(t.tconst),
    index("title_genres_genre_tid").on(t.genreId, t.tid),
  ],
);

export const etlRuns = mysqlTable(
  "etl_runs",
  {
    id: int("id", { unsigned: true }).autoincrement().primaryKey(),
    mode: mysqlEnum("mode", runModes).notNull(),
    trigger: varchar("trigger", { length: 16 }).notNull(),
    source: varchar("source", { length: 1024 }).notNull(),
    tables: varchar("tables", { length: 255 }),
    forceDeletes: boolean("force_deletes").notNull().default(false),
    /** An incremental run that compares every table with its file (no skip by ETag or fingerprint): a verify's repair. */
    repair: boolean("repair").notNull().default(false),
    status: mysqlEnum("status", runStatuses).notNull().default("queued"),
    createdAt: datetime("created_at", { mode: "date", fsp: 3 }).notNull().default(sql`CURRENT_TIMESTAMP(3)`),
    startedAt: datetime("started_at", { mode: "date", fsp: 3 }),
    finishedAt: datetime("finished_at", { mode: "date", fsp: 3 }),
    heartbeatAt: datetime("heartbeat_at", { mode: "date", fsp: 3 }),
    cancelRequested: boolean("cancel_requested").notNull().default(false),
    error: text("error"),
    /**
     * 1 while the run is queued or running, NULL after: its unique index lets the database itself refuse a
     * second active run, on one server and on every node of a Galera cluster (which certifies unique keys
     * cluster-wide), where a server lock would be local to one node.
     */
    activeSlot: tinyint("active_slot").generatedAlwaysAs(
      sql`(case when \`status\` in ('queued','running') then 1 else null end)`,
      { mode: "stored" },
    ),
  },
  (t) => [index("etl_runs_status").on(t.status, t.id), uniqueIndex("etl_runs_one_active").on(t.activeSlot)],
);

/** One row per run and table: the counters a run reports, and the time spent per stage. */
export const etlRunTables = mysqlTable(
  "etl_run_tables",
  {
    runId: int("run_id", { unsigned: true }).notNull(),
    tableName: varchar("table_name", { length: 32 }).notNull(),
    status: mysqlEnum("status", tableStatuses).notNull().default("pending"),
    stage: varchar("stage", { length: 32 }),
    rowsRead: bigint("rows_read", { mode: "number", unsigned: true }).notNull().default(0),
    inserted: bigint("inserted", { mode: "number", unsigned: true }).notNull().default(0),
    updated: bigint("updated", { mode: "number", unsigned: true }).notNull().default(0),
    unchanged: bigint("unchanged", { mode: "number", unsigned: true }).notNull().default(0),
    deleted: bigint("deleted", { mode: "number", unsigned: true }).notNull().default(0),
    deletesWithheld: bigint("deletes_withheld", { mode: "number", unsigned: true }).notNull().default(0),
    rejected: bigint("rejected", { mode: "number", unsigned: true }).notNull().default(0),
    duplicates: bigint("duplicates", { mode: "number", unsigned: true }).notNull().default(0),
    bytesRead: bigint("bytes_read", { mode: "number", unsigned: true }).notNull().default(0),
    bytesTotal: bigint("bytes_total", { mode: "number", unsigned: true }),
    secondsDownload: decimal("seconds_download", { precision: 10, scale: 3, mode: "number" }).notNull().default(0),
    secondsLoad: decimal("seconds_load", { precision: 10, scale: 3, mode: "number" }).notNull().default(0),
    secondsApply: decimal("seconds_apply", { precision: 10, scale: 3, mode: "number" }).notNull().default(0),
    secondsIndex: decimal("seconds_index", { precision: 10, scale: 3, mode: "number" }).notNull().default(0),
    message: varchar("message", { length: 1024 }),
    error: text("error"),
    /** Drift found by a verify run (see driftKinds); NULL for other runs and for a table a verify did not finish. */
    driftMissing: bigint("drift_missing", { mode: "number", unsigned: true }),
    driftDiffering: bigint("drift_differing", { mode: "number", unsigned: true }),
    driftExtra: bigint("drift_extra", { mode: "number", unsigned: true }),
  },
  (t) => [primaryKey({ columns: [t.runId, t.tableName] })],
);

/** The first rows of drift a verify run found per table (in key order): enough to look at, not a full list. */
export const etlDrift = mysqlTable(
  "etl_drift",
  {
    id: bigint("id", { mode: "number", unsigned: true }).autoincrement().primaryKey(),
    runId: int("run_id", { unsigned: true }).notNull(),
    tableName: varchar("table_name", { length: 32 }).notNull(),
    kind: mysqlEnum("kind", driftKinds).notNull(),
    /** The IMDb key as text (tt0000001, nm0000001), and `ordering` for akas and principals. */
    imdbKey: varchar("imdb_key", { length: 12 }).notNull(),
    ordering: smallint("ordering", { unsigned: true }),
    /** The file's line of a missing or differing row (an extra row has none). */
    lineNumber: bigint("line_number", { mode: "number", unsigned: true }),
  },
  (t) => [index("etl_drift_run").on(t.runId, t.tableName, t.id)],
);

export const etlRejects = mysqlTable(
  "etl_rejects",
  {
    id: bigint("id", { mode: "number", unsigned: true }).autoincrement().primaryKey(),
    runId: int("run_id", { unsigned: true }).notNull(),
    tableName: varchar("table_name", { length: 32 }).notNull(),
    file: varchar("file", { length: 64 }).notNull(),
    lineNumber: bigint("line_number", { mode: "number", unsigned: true }).notNull(),
    reason: varchar("reason", { length: 255 }).notNull(),
    line: text("line").notNull(),
  },
  (t) => [index("etl_rejects_run").on(t.runId, t.tableName, t.lineNumber)],
);

/** What was last downloaded per IMDb file, for conditional requests (ETag / Last-Modified). */
export const etlSources = mysqlTable("etl_sources", {
  file: varchar("file", { length: 64 }).notNull().primaryKey(),
  url: varchar("url", { length: 1024 }).notNull(),
  etag: varchar("etag", { length: 255 }),
  lastModified: varchar("last_modified", { length: 64 }),
  contentLength: bigint("content_length", { mode: "number", unsigned: true }),
  syncedAt: datetime("synced_at", { mode: "date", fsp: 3 }),
});

export type EtlRun = typeof etlRuns.$inferSelect;
export type EtlRunTable = typeof etlRunTables.$inferSelect;
export type EtlReject = typeof etlRejects.$inferSelect;
export type EtlDrift = typeof etlDrift.$inferSelect;

/**
 * Console sessions, kept on the server so that logging out, a changed password and an idle timeout end
 * them. The cookie holds a random token; only its SHA-256 is stored. `credential` is an HMAC (keyed by the
 * server's session secret) of the password the session was opened with: a new password ends old sessions.
 */
export const consoleSessions = mysqlTable(
  "console_sessions",
  {
    tokenHash: binary32("token_hash").notNull().primaryKey(),
    credential: binary32("credential").notNull(),
    createdAt: datetime("created_at", { mode: "date", fsp: 3 }).notNull(),
    lastSeenAt: datetime("last_seen_at", { mode: "date", fsp: 3 }).notNull(),
    expiresAt: datetime("expires_at", { mode: "date", fsp: 3 }).notNull(),
  },
  (t) => [index("console_sessions_expires").on(t.expiresAt)],
);

/**
 * The file each table last ended exactly equal to: a fingerprint (size and XXH64 of the compressed bytes)
 * written after a sync that rejected no line and withheld no delete, and cleared before any sync changes the
 * table. An incremental run over a file with the same fingerprint skips the table without a row diff.
 */
export const etlTableFiles = mysqlTable("etl_table_files", {
  tableName: varchar("table_name", { length: 32 }).notNull().primaryKey(),
  fingerprint: varchar("fingerprint", { length: 64 }).notNull(),
  runId: int("run_id", { unsigned: true }).notNull(),
  syncedAt: datetime("synced_at", { mode: "date", fsp: 3 }).notNull(),
  /**
   * The file's ids never go down and no key comes twice: the kept-file diff may then skip runs of lines that
   * are the same bytes in both files without reading their keys.
   */
  inKeyOrder: boolean("in_key_order").notNull().default(false),
});

/**
 * The console's sync schedule: one row (id 1), edited on the settings page. Every console instance (and
 * `npm run schedule` without an expression) runs it; etl_schedule_firings makes each tick fire once.
 */
export const etlSchedule = mysqlTable("etl_schedule", {
  id: tinyint("id", { unsigned: true }).primaryKey(),
  enabled: boolean("enabled").notNull().default(false),
  /** A cron expression (5 fields, or 6 with seconds first), read in `timezone`. */
  cron: varchar("cron", { length: 100 }).notNull(),
  timezone: varchar("timezone", { length: 64 }).notNull(),
  mode: mysqlEnum("mode", scheduleModes).notNull(),
  source: varchar("source", { length: 16 }).notNull(),
  tables: varchar("tables", { length: 255 }).notNull(),
  updatedAt: datetime("updated_at", { mode: "date", fsp: 3 }).notNull().default(sql`CURRENT_TIMESTAMP(3)`),
});

/**
 * One row per schedule tick, claimed by the first instance to insert it: the unique (schedule, due time) key
 * lets exactly one console instance or scheduler process fire a tick, on one server and across a Galera
 * cluster (which certifies unique keys cluster-wide). The outcome says what the tick did.
 */
export const etlScheduleFirings = mysqlTable(
  "etl_schedule_firings",
  {
    id: int("id", { unsigned: true }).autoincrement().primaryKey(),
    /** "console" for the stored schedule; "cli" for `npm run schedule -- "<expression>"`. */
    scheduleKey: varchar("schedule_key", { length: 16 }).notNull(),
    dueAt: datetime("due_at", { mode: "date", fsp: 0 }).notNull(),
    firedAt: datetime("fired_at", { mode: "date", fsp: 3 }).notNull().default(sql`CURRENT_TIMESTAMP(3)`),
    /** host:pid of the process that claimed the tick. */
    firedBy: varchar("fired_by", { length: 100 }).notNull(),
    outcome: mysqlEnum("outcome", firingOutcomes).notNull(),
    /** The run started, or for a skipped tick the run that was active. */
    runId: int("run_id", { unsigned: true }),
    message: varchar("message", { length: 1024 }),
  },
  (t) => [uniqueIndex("etl_schedule_firings_tick").on(t.scheduleKey, t.dueAt)],
);

/**
 * The change log (issue 13): one row per row an incremental sync inserted, updated or deleted, written in the
 * apply's own transaction, so a run's log lands or vanishes with its changes. It doubles as the tables' earlier
 * versions (SCD type 2): an update or delete keeps the whole row as it was (`old_line`, the IMDb line), valid
 * from the key's previous logged change and replaced by this run; the current version stays in the main table,
 * so storage grows with the changes only. A first build logs no rows (its run's etl_run_tables row says it
 * replaced the table). The primary key is the run's order of display: per table, in the files' key order.
 */
export const etlChanges = mysqlTable(
  "etl_changes",
  {
    runId: int("run_id", { unsigned: true }).notNull(),
    tableName: varchar("table_name", { length: 32 }).notNull(),
    /** The number in the IMDb key (tid or nid), as in the main tables. */
    keyNumber: int("key_number", { unsigned: true }).notNull(),
    /** `ordering` for title_akas and title_principals; 0 for the tables keyed by one column. */
    ordering: smallint("ordering", { unsigned: true }).notNull().default(0),
    /** The IMDb text key (tt0000001, nm0000001), for people's own SQL. */
    imdbKey: varchar("imdb_key", { length: 12 }).generatedAlwaysAs(
      sql.raw(
        "concat(if(`table_name` = 'name_basics', 'nm', 'tt'), lpad(`key_number`, greatest(7, length(`key_number`)), '0'))",
      ),
      { mode: "virtual" },
    ),
    kind: mysqlEnum("kind", changeKinds).notNull(),
    /** An update's changed columns as JSON text: {"column": {"old": …, "new": …}}, values as text, NULL as null. */
    changedColumns: longtext("changed_columns"),
    /** An update's or delete's row as it was before, as its IMDb line (tab-separated, NULL as \N). */
    oldLine: longtext("old_line"),
  },
  (t) => [
    primaryKey({ columns: [t.runId, t.tableName, t.keyNumber, t.ordering] }),
    index("etl_changes_key").on(t.tableName, t.keyNumber, t.ordering, t.runId),
  ],
);

export type EtlChange = typeof etlChanges.$inferSelect;

/**
 * Per table, the earliest run N for which "the table as it was after run N" can be answered from the main table
 * and the change log: raised by a first build (the run that replaced the table), by a run that changed the table
 * with its history off, and by a purge (entries of older runs gone).
 */
export const etlHistoryHorizon = mysqlTable("etl_history_horizon", {
  tableName: varchar("table_name", { length: 32 }).notNull().primaryKey(),
  afterRun: int("after_run", { unsigned: true }).notNull(),
});

/**
 * Notification settings edited on the Settings page: one row (id 1). The webhook URLs here and those in
 * NOTIFY_URLS both get every notification.
 */
export const notifySettings = mysqlTable("notify_settings", {
  id: tinyint("id", { unsigned: true }).primaryKey(),
  /** Webhook URLs, one per line. */
  urls: text("urls").notNull(),
  /** Whether a run that succeeded is notified too (`run.succeeded`); failures always are. */
  onSuccess: boolean("on_success").notNull().default(false),
  updatedAt: datetime("updated_at", { mode: "date", fsp: 3 }).notNull().default(sql`CURRENT_TIMESTAMP(3)`),
});

/**
 * The last notifications sent, one row per webhook and event with its outcome. `target` is the URL's scheme and
 * host only: the path of a Slack or Mattermost webhook is its secret.
 */
export const notifyDeliveries = mysqlTable(
  "notify_deliveries",
  {
    id: bigint("id", { mode: "number", unsigned: true }).autoincrement().primaryKey(),
    event: mysqlEnum("event", notifyEvents).notNull(),
    runId: int("run_id", { unsigned: true }),
    target: varchar("target", { length: 255 }).notNull(),
    outcome: mysqlEnum("outcome", deliveryOutcomes).notNull(),
    /** The HTTP status of the last try (null: no answer). */
    httpStatus: smallint("http_status", { unsigned: true }),
    attempts: tinyint("attempts", { unsigned: true }).notNull(),
    error: varchar("error", { length: 512 }),
    text: varchar("text", { length: 1024 }).notNull(),
    sentAt: datetime("sent_at", { mode: "date", fsp: 3 }).notNull().default(sql`CURRENT_TIMESTAMP(3)`),
  },
  (t) => [index("notify_deliveries_run").on(t.runId)],
);

/**
 * One row per stale period (keyed by the last successful run before it; 0 when none): the first process to
 * insert it sends `mirror.stale`, so a mirror watched by several console instances is reported once.
 */
export const notifyStaleAlerts = mysqlTable("notify_stale_alerts", {
  lastSuccessRunId: int("last_success_run_id", { unsigned: true }).primaryKey(),
  sentAt: datetime("sent_at", { mode: "date", fsp: 3 }).notNull().default(sql`CURRENT_TIMESTAMP(3)`),
});

/** A run's own log lines (the engine's, with their level), kept with the run. */
export const etlRunLog = mysqlTable(
  "etl_run_log",
  {
    id: bigint("id", { mode: "number", unsigned: true }).autoincrement().primaryKey(),
    runId: int("run_id", { unsigned: true }).notNull(),
    at: datetime("at", { mode: "date", fsp: 3 }).notNull(),
    level: mysqlEnum("level", runLogLevels).notNull(),
    tableName: varchar("table_name", { length: 32 }),
    message: varchar("message", { length: 1024 }).notNull(),
    /** The line's other fields as JSON text. */
    details: text("details"),
  },
  (t) => [index("etl_run_log_run").on(t.runId, t.id)],
);

/**
 * Data-quality checks (lib/etl/quality.ts): the rows each check finds, kept so that after an incremental run
 * only the rows the run touched are checked again and the rest carried forward. `ref_key` is the key that is
 * missing from the table the check names.
 */
export const etlQualityRows = mysqlTable(
  "etl_quality_rows",
  {
    checkName: varchar("check_name", { length: 40 }).notNull(),
    keyNumber: int("key_number", { unsigned: true }).notNull(),
    ordering: smallint("ordering", { unsigned: true }).notNull().default(0),
    refKey: varchar("ref_key", { length: 12 }).notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.checkName, t.keyNumber, t.ordering] }),
    index("etl_quality_rows_ref").on(t.checkName, t.refKey),
  ],
);

/** Per check: the run whose changes etl_quality_rows includes (every earlier run's too). */
export const etlQualityState = mysqlTable("etl_quality_state", {
  checkName: varchar("check_name", { length: 40 }).notNull().primaryKey(),
  asOfRun: int("as_of_run", { unsigned: true }).notNull(),
});

/** Each check's count after a run (or on demand: run_id NULL), how it was counted and what it cost. */
export const etlQualityResults = mysqlTable(
  "etl_quality_results",
  {
    id: bigint("id", { mode: "number", unsigned: true }).autoincrement().primaryKey(),
    runId: int("run_id", { unsigned: true }),
    checkName: varchar("check_name", { length: 40 }).notNull(),
    rows: bigint("rows", { mode: "number", unsigned: true }).notNull(),
    /** Up to five of the missing keys, as a JSON array. */
    examples: varchar("examples", { length: 255 }).notNull(),
    method: mysqlEnum("method", qualityMethods).notNull(),
    seconds: decimal("seconds", { precision: 10, scale: 3, mode: "number" }).notNull(),
    checkedAt: datetime("checked_at", { mode: "date", fsp: 3 }).notNull().default(sql`CURRENT_TIMESTAMP(3)`),
  },
  (t) => [index("etl_quality_results_check").on(t.checkName, t.id), index("etl_quality_results_run").on(t.runId)],
);
