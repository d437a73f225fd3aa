/** Runs the engine end to end against a test database, as the CLI does. */

import type { RunMode } from "../../db/schema";
import { type TableName, tableNames } from "../../lib/catalog/datasets";
import { getDb } from "../../lib/db";
import { executeRun } from "../../lib/etl/pipeline";
import { type EngineSettings, settingsFromEnv } from "../../lib/etl/settings";
import { createRun } from "../../lib/runs/control";

export async function sync(
  url: string,
  mode: RunMode,
  source: string,
  options: { tables?: TableName[]; forceDeletes?: boolean; settings?: Partial<EngineSettings> } = {},
) {
  const runId = await createRun(getDb(url), {
    mode,
    source,
    tables: options.tables ?? [...tableNames],
    trigger: "cli",
    forceDeletes: options.forceDeletes,
  });
  return executeRun(url, runId, { settings: { ...settingsFromEnv(), ...options.settings } });
}

export function countsOf(summary: Awaited<ReturnType<typeof sync>>, table: TableName) {
  const t = summary.tables.find((row) => row.table === table);
  if (!t) throw new Error(`no counters for ${table}`);
  return { read: t.read, inserted: t.inserted, updated: t.updated, unchanged: t.unchanged, deleted: t.deleted };
}
