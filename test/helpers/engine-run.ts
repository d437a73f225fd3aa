/**
 * Drives the engine directly (createRun + executeRun) for the bad-input tests, and reads back what a
 * run left behind: a table's stored rows (to prove a failed run changed nothing) and its rejected lines.
 */
import { mkdir, mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { gzipSync } from "node:zlib";
import type { RowDataPacket } from "mysql2";
import type { RunMode } from "../../db/schema";
import { datasets, expectedHeader, type TableName } from "../../lib/catalog/datasets";
import { getPool } from "../../lib/db";
import { executeRun } from "../../lib/etl/pipeline";
import { type EngineSettings, settingsFromEnv } from "../../lib/etl/settings";
import type { SourceSettings } from "../../lib/etl/source";
import { keyColumns } from "../../lib/etl/sql";
import { queueRun as queueRunAndExecute } from "../../lib/runs/queue";

export interface EngineRun {
  mode: RunMode;
  source: string;
  tables: TableName[];
  forceDeletes?: boolean;
  /** With mode verify: a repair (recorded as an incremental run with its repair flag). */
  repair?: boolean;
  settings?: Partial<Omit<EngineSettings, "source">>;
  sourceSettings?: Partial<SourceSettings>;
  heartbeatMs?: number;
}

/** Engine settings for tests: the environment's, with a private download folder and quick HTTP failures. */
export function testSettings(run: Pick<EngineRun, "settings" | "sourceSettings">): EngineSettings {
  const base = settingsFromEnv();
  return {
    ...base,
    ...run.settings,
    source: { ...base.source, retries: 1, timeoutMs: 5000, ...run.sourceSettings },
  };
}

/** Queues a run the way the CLI does (a first build replaces data unasked), without executing it. */
export async function queueRun(url: string, run: EngineRun): Promise<number> {
  const { mode, source, tables, forceDeletes, repair } = run;
  const request = { mode, source, tables, forceDeletes, repair, trigger: "cli", replace: true } as const;
  return (await queueRunAndExecute(url, request, () => undefined)).runId;
}

/** Queues a run and executes it to its end; returns its summary. */
export async function runEngine(url: string, run: EngineRun) {
  const runId = await queueRun(url, run);
  return executeRun(url, runId, { settings: testSettings(run), heartbeatMs: run.heartbeatMs });
}

export type Summary = Awaited<ReturnType<typeof runEngine>>;

export function tableResult(summary: Summary, table: TableName) {
  const result = summary.tables.find((t) => t.table === table);
  if (!result) throw new Error(`run #${summary.id} has no row for ${table}`);
  return result;
}

/** Every stored column of every row, in key order: equal snapshots mean the table did not change. */
export async function tableRows(url: string, table: TableName | "title_genres" | "genres"): Promise<unknown[]> {
  const order =
    table === "title_genres" ? ["tid", "genre_id"] : table === "genres" ? ["genre_id"] : keyColumns(datasets[table]);
  const [rows] = await getPool(url).query<RowDataPacket[]>(
    `SELECT * FROM \`${table}\` ORDER BY ${order.map((c) => `\`${c}\``).join(", ")}`,
  );
  return rows.map((row) => ({ ...row }));
}

/** Tables whose names start with `prefix` (leftover shadow or staging tables after a failure). */
export async function tablesLike(url: string, pattern: string): Promise<string[]> {
  const [rows] = await getPool(url).query<RowDataPacket[]>(
    "SELECT table_name AS name FROM information_schema.tables WHERE table_schema = DATABASE() AND table_name LIKE ?",
    [pattern],
  );
  return rows.map((r) => String(r.name));
}

export async function rejectsOf(url: string, runId: number) {
  const [rows] = await getPool(url).query<RowDataPacket[]>(
    "SELECT table_name AS tableName, file, line_number AS lineNumber, reason, line FROM etl_rejects WHERE run_id = ? ORDER BY line_number",
    [runId],
  );
  return rows.map((r) => ({
    tableName: String(r.tableName),
    file: String(r.file),
    lineNumber: Number(r.lineNumber),
    reason: String(r.reason),
    line: String(r.line),
  }));
}

export function tempDir(prefix: string): Promise<string> {
  return mkdtemp(path.join(tmpdir(), `imdb-${prefix}-`));
}

/** A TSV file's text: the table's header, then the lines, each ending in a newline. */
export function tsv(table: TableName, lines: string[]): string {
  return `${[expectedHeader(datasets[table]), ...lines].join("\n")}\n`;
}

/** Writes `<dir>/<sub>/<file>` (gzipped as .tsv.gz, or plain as .tsv) and returns the folder to use as a source. */
export async function folderSource(
  dir: string,
  sub: string,
  table: TableName,
  content: string | Buffer,
  form: "gz" | "tsv" | "raw-gz" = "gz",
): Promise<string> {
  const folder = path.join(dir, sub);
  await mkdir(folder, { recursive: true });
  const file = datasets[table].file;
  if (form === "tsv") await writeFile(path.join(folder, file.replace(/\.gz$/, "")), content);
  else if (form === "raw-gz") await writeFile(path.join(folder, file), content);
  else await writeFile(path.join(folder, file), gzipSync(content));
  return folder;
}
