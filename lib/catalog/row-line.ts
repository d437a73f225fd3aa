/**
 * A row rendered back as the line of its IMDb file, in SQL: what the engine compares a table with its file by
 * (verify) and what the change history shows a row as. Shaped by the catalogue alone, so the engine and the read
 * models share it without one importing the other.
 */
import type { DatasetSpec } from "../catalog/datasets";

export const quote = (name: string) => `\`${name}\``;

/** A column as UTF-8 text, whatever its type. */
export const asText = (column: string) => `CAST(${column} AS CHAR CHARACTER SET utf8mb4)`;

/** A row rendered back as its IMDb line: every field as its text, NULL as \\N, joined by tabs. */
export function rowLineSql(spec: DatasetSpec, alias?: string): string {
  const column = (name: string) => (alias ? `${alias}.${quote(name)}` : quote(name));
  const fields = spec.fields.map((f) => `IFNULL(${asText(column(f.name))}, '\\\\N')`);
  return `CONCAT_WS('\\t', ${fields.join(", ")})`;
}
