/** Secondary indexes of a table, read from the server, so a first build can drop and rebuild them. */
import type { PoolConnection, RowDataPacket } from "mysql2/promise";

export interface IndexDefinition {
  name: string;
  unique: boolean;
  /** A FULLTEXT index (one a user added: the schema has none since migration 0014); rebuilt as such, never as a B-tree. */
  fulltext?: boolean;
  columns: { name: string; prefix: number | null }[];
}

export async function secondaryIndexes(connection: PoolConnection, table: string): Promise<IndexDefinition[]> {
  const [rows] = await connection.query<RowDataPacket[]>(
    `SELECT index_name, non_unique, index_type, column_name, sub_part FROM information_schema.statistics
     WHERE table_schema = DATABASE() AND table_name = ? AND index_name <> 'PRIMARY' ORDER BY index_name, seq_in_index`,
    [table],
  );
  const byName = new Map<string, IndexDefinition>();
  for (const row of rows) {
    const name = String(row.index_name ?? row.INDEX_NAME);
    let index = byName.get(name);
    if (!index) {
      const fulltext = String(row.index_type ?? row.INDEX_TYPE) === "FULLTEXT";
      index = { name, unique: Number(row.non_unique ?? row.NON_UNIQUE) === 0, fulltext, columns: [] };
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
    return `ADD ${i.fulltext ? "FULLTEXT " : i.unique ? "UNIQUE " : ""}INDEX \`${i.name}\` (${columns})`;
  });
  return `ALTER TABLE \`${table}\` ${clauses.join(", ")}`;
}

/**
 * `CREATE TEMPORARY TABLE name LIKE table`, without its FULLTEXT indexes, which InnoDB refuses on a temporary
 * table ("Cannot create FULLTEXT index on temporary InnoDB table"): the table's own definition with them left out.
 */
export async function createTemporaryLike(connection: PoolConnection, table: string, name: string): Promise<void> {
  const [rows] = await connection.query<RowDataPacket[]>(`SHOW CREATE TABLE \`${table}\``);
  const ddl = String(rows[0]?.["Create Table"] ?? "");
  const lines = ddl.split("\n").filter((line) => !/^\s*FULLTEXT KEY /.test(line));
  const close = lines.findIndex((line) => line.startsWith(")"));
  if (close > 0) lines[close - 1] = (lines[close - 1] as string).replace(/,$/, "");
  const body = lines.join("\n").replace(/^CREATE TABLE `[^`]+`/, `CREATE TEMPORARY TABLE \`${name}\``);
  await connection.query(body);
}
