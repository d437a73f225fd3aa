/** Row counts of the IMDb tables, for the overview (estimates from the server's statistics). */
import "server-only";
import type { RowDataPacket } from "mysql2";
import { type TableName, tableNames } from "@/lib/catalog/datasets";
import { getPool } from "@/lib/db";

export interface TableSummary {
  table: TableName;
  rows: number;
}

/** Uses information_schema estimates: an exact COUNT(*) over 100 M rows takes too long for a page. */
export async function tableSummaries(): Promise<TableSummary[]> {
  const [rows] = await getPool().query<RowDataPacket[]>(
    "SELECT table_name AS t, table_rows AS n FROM information_schema.tables WHERE table_schema = DATABASE()",
  );
  const counts = new Map(rows.map((r) => [String(r.t), Number(r.n ?? 0)]));
  return tableNames.map((table) => ({ table, rows: counts.get(table) ?? 0 }));
}
