/**
 * A change-log row as the read models show it, and an IMDb line back into its columns: shared by the change
 * history (history.ts) and a table's past (table-history.ts).
 */
import type { RowDataPacket } from "mysql2/promise";
import type { ChangeKind } from "@/db/run-states";
import { datasets, formatKey, hasOrdering, type TableName } from "@/lib/catalog/datasets";

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

export const ordered = (table: TableName) => hasOrdering(datasets[table]);

/** An IMDb line back into its columns, by the table's header: `\N` is NULL. */
export function lineColumns(table: TableName, line: string): Record<string, string | null> {
  const values = line.split("\t");
  return Object.fromEntries(
    datasets[table].fields.map((f, i) => [f.name, values[i] === "\\N" ? null : (values[i] ?? null)]),
  );
}

/** A log row as the API shows it. MariaDB returns the JSON text as a string, MySQL may parse it already. */
export function toChange(row: RowDataPacket): Change {
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
