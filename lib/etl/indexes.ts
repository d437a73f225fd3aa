/** Secondary indexes of a table, read from the server, so a first build can drop and rebuild them. */
import type { PoolConnection, RowDataPacket } from "mysql2/promise";

export interface IndexDefinition {
  name: string;
  unique: boolean;
  columns: { name: string; prefix: number | null }[];
}

export async function secondaryIndexes(connection: PoolConnection, table: string): Promise<IndexDefinition[]> {
  const [rows] = await connection.query<RowDataPacket[]>(
    `SELECT index_name, non_unique, column_name, sub_part FROM information_schema.statistics
     WHERE table_schema = DATABASE() AND table_name = ? AND index_name <> 'PRIMARY' ORDER BY index_name, seq_in_index`,
    [table],
  );
  const byName = new Map<string, IndexDefinition>();
  for (const row of rows) {
    const name = String(row.index_name ?? row.INDEX_NAME);
    let index = byName.get(name);
    if (!index) {
      index = { name, unique: Number(row.non_unique ?? row.NON_UNIQUE) === 0, columns: [] };
      byName.set(name, index);
    }
    const prefix = row.sub_part ?? row.SUB_PART;
    index.columns.push({
      name: String(row.column_name ?? row.COLUMN_NAME),
      prefix: prefix == null ? null : Number(prefix),
    });
  }
  return [...byName.values()];
}

export function dropIndexesSql(table: string, indexes: IndexDefinition[]): string | undefined {
  if (indexes.length === 0) return undefined;
  return `ALTER TABLE \`${table}\` ${indexes.map((i) => `DROP INDEX \`${i.name}\``).join(", ")}`;
}

export function addIndexesSql(table: string, indexes: IndexDefinition[]): string | undefined {
  if (indexes.length === 0) return undefined;
  const clauses = indexes.map((i) => {
    const columns = i.columns.map((c) => `\`${c.name}\`${c.prefix ? `(${c.prefix})` : ""}`).join(", ");
    return `ADD ${i.unique ? "UNIQUE " : ""}INDEX \`${i.name}\` (${columns})`;
  });
  return `ALTER TABLE \`${table}\` ${clauses.join(", ")}`;
}
