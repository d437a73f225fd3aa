/**
 * What a start-up migration is doing, read from outside it: which migrations are pending (the journal against
 * `__drizzle_migrations`, as drizzle's migrator decides) and, on a connection of its own, the statement the
 * migrating session runs now (information_schema.PROCESSLIST). A copy of every IMDb table (0011) takes about an hour
 * at full size; `npm start` shows this meanwhile (scripts/migrating-server.ts) so that nobody takes the console for
 * dead. Reads only: statement texts are cut to their leading words, so no value from a migration is ever shown.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import mysql, { type Connection, type RowDataPacket } from "mysql2/promise";
import { migrationsFolder } from "./migrate";

export interface PendingMigration {
  tag: string;
  /** The journal's timestamp: drizzle applies the migrations newer than the last one recorded. */
  when: number;
  /** The migration's statements, whitespace collapsed (to recognise the one running). */
  statements: string[];
}

export interface MigrationProgress {
  /** How many migrations this start applies. */
  total: number;
  /** The one running now, 1-based among the pending ones; undefined until its first statement shows. */
  index?: number;
  tag?: string;
  /** The running statement, 1-based within its migration (0011 has one ALTER per table), and how many it has. */
  statementIndex?: number;
  statementCount?: number;
  /** The running statement's leading words (`ALTER TABLE \`title_akas\``), never its values. */
  statement?: string;
  /** How long the statement has run. */
  seconds?: number;
  /** MariaDB only (ALTER TABLE, LOAD DATA …): stage n of m and its percentage. MySQL has no such columns. */
  stage?: number;
  maxStage?: number;
  percent?: number;
}

const collapse = (text: string) => text.replace(/\s+/g, " ").trim();

interface JournalEntry {
  tag: string;
  when: number;
}

/** The server without a database: the one in the URL may not exist before its first migration. */
function serverUri(url: string): string {
  const root = new URL(url);
  root.pathname = "/";
  return root.toString();
}

function databaseName(url: string): string {
  return decodeURIComponent(new URL(url).pathname.replace(/^\//, ""));
}

/** The migrations of `folder` that migrateDatabase would apply to the database of `url`, in order. */
export async function pendingMigrations(url: string, folder: string = migrationsFolder): Promise<PendingMigration[]> {
  const journal = JSON.parse(readFileSync(path.join(folder, "meta/_journal.json"), "utf8")) as {
    entries: JournalEntry[];
  };
  const connection = await mysql.createConnection({ uri: serverUri(url) });
  let last = 0;
  try {
    const name = databaseName(url);
    const [tables] = await connection.query<RowDataPacket[]>(
      "SELECT 1 FROM information_schema.TABLES WHERE TABLE_SCHEMA = ? AND TABLE_NAME = '__drizzle_migrations'",
      [name],
    );
    if (tables.length > 0) {
      const [rows] = await connection.query<RowDataPacket[]>(
        `SELECT MAX(created_at) AS last FROM \`${name.replace(/`/g, "``")}\`.__drizzle_migrations`,
      );
      last = Number(rows[0]?.last ?? 0);
    }
  } finally {
    await connection.end();
  }
  return journal.entries
    .filter((entry) => entry.when > last)
    .map((entry) => ({
      tag: entry.tag,
      when: entry.when,
      statements: readFileSync(path.join(folder, `${entry.tag}.sql`), "utf8")
        .split("--> statement-breakpoint")
        .map(collapse)
        .filter(Boolean),
    }));
}

/** Words a statement may start with that carry no value; the first other word is the object's name or is dropped. */
const keywords = new Set(
  "ALTER TABLE CREATE DROP INDEX UNIQUE FULLTEXT SPATIAL UPDATE INSERT INTO DELETE FROM RENAME TRUNCATE SELECT IF NOT EXISTS IGNORE OR REPLACE VIEW TRIGGER ONLINE LOW_PRIORITY OPTIMIZE ANALYZE LOAD DATA".split(
    " ",
  ),
);
const identifier = /^`?[\w$]+`?(\.`?[\w$]+`?)?$/;

/**
 * The leading words of a statement (`ALTER TABLE \`title_akas\``, `CREATE INDEX \`x\``, `SELECT`): SQL keywords,
 * then at most one plain name, comments dropped. Nothing after that, so no literal value can show.
 */
export function statementHead(sql: string): string {
  const text = collapse(sql.replace(/\/\*[\s\S]*?\*\//g, " ").replace(/^\s*(--|#)[^\n]*$/gm, " "));
  const words: string[] = [];
  for (const word of text.split(" ")) {
    if (keywords.has(word.toUpperCase())) {
      words.push(word.toUpperCase());
      continue;
    }
    if (words.length > 0 && identifier.test(word)) words.push(word.slice(0, 64));
    break;
  }
  return words.join(" ") || "a statement";
}

/**
 * Reads what the migrating session runs now: the session of this database whose statement is one of the pending
 * migrations' (the reader's own is left out). `previous` carries the migration last seen across the moments
 * between two statements, when the session shows none.
 */
export async function readMigrationProgress(
  connection: Connection,
  database: string,
  pending: PendingMigration[],
  previous?: MigrationProgress,
): Promise<MigrationProgress> {
  const [rows] = await connection.query<RowDataPacket[]>(
    "SELECT * FROM information_schema.PROCESSLIST WHERE DB = ? AND ID <> CONNECTION_ID() AND INFO IS NOT NULL",
    [database],
  );
  const from = Math.max(0, (previous?.index ?? 1) - 1);
  for (const row of rows) {
    const raw = String(row.INFO ?? row.info ?? "");
    const info = collapse(raw);
    if (!info) continue;
    const key = info.slice(0, 200);
    // The first pending migration from the last one seen on that holds this statement (migrations only go forward).
    const found = pending.findIndex((m, i) => i >= from && m.statements.some((s) => s.includes(key)));
    const statements = pending[found]?.statements ?? [];
    if (found < 0) continue;
    const timeMs = row.TIME_MS ?? row.time_ms;
    const progress: MigrationProgress = {
      total: pending.length,
      index: found + 1,
      tag: pending[found]?.tag,
      statementIndex: statements.findIndex((s) => s.includes(key)) + 1,
      statementCount: statements.length,
      statement: statementHead(raw),
      seconds: timeMs !== undefined ? Number(timeMs) / 1000 : Number(row.TIME ?? row.time ?? 0),
    };
    const maxStage = Number(row.MAX_STAGE ?? 0);
    if (maxStage > 0) {
      progress.stage = Number(row.STAGE);
      progress.maxStage = maxStage;
      progress.percent = Number(row.PROGRESS);
    }
    return progress;
  }
  return { total: pending.length, index: previous?.index, tag: previous?.tag };
}

/** One line for the start log and the placeholder page. */
export function describeProgress(progress: MigrationProgress): string {
  if (!progress.tag) return `${progress.total} migration${progress.total === 1 ? "" : "s"} to apply, starting`;
  const migration = `migration ${progress.tag} (${progress.index} of ${progress.total})`;
  if (!progress.statement) return `${migration}, between statements`;
  const which =
    (progress.statementCount ?? 0) > 1 ? ` (statement ${progress.statementIndex} of ${progress.statementCount})` : "";
  const parts = [`${migration}: ${progress.statement}${which}`];
  if (progress.maxStage) {
    parts.push(`stage ${progress.stage} of ${progress.maxStage}, ${(progress.percent ?? 0).toFixed(1)} %`);
  }
  parts.push(`running ${Math.round(progress.seconds ?? 0)} s`);
  return parts.join(", ");
}

/**
 * Reads the progress every `intervalMs` on a connection of its own until stopped, handing each reading to
 * `onProgress`. A failed reading (the server busy, the connection lost) is skipped: the migration is what matters.
 */
export function watchMigrations(
  url: string,
  pending: PendingMigration[],
  onProgress: (progress: MigrationProgress) => void,
  intervalMs = 1000,
): { stop(): Promise<void> } {
  let latest: MigrationProgress = { total: pending.length };
  let connection: Connection | undefined;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  const database = databaseName(url);
  const tick = async () => {
    try {
      connection ??= await mysql.createConnection({ uri: serverUri(url) });
      latest = await readMigrationProgress(connection, database, pending, latest);
      if (!stopped) onProgress(latest);
    } catch {
      const lost = connection;
      connection = undefined;
      lost?.destroy();
    }
    if (!stopped) {
      timer = setTimeout(() => {
        running = tick();
      }, intervalMs);
    }
  };
  let running = tick();
  return {
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await running;
      await connection?.end().catch(() => connection?.destroy());
    },
  };
}
