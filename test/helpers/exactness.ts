/**
 * Reads a table back as IMDb lines (NULL as \N, every value as text) and compares it, byte for byte,
 * with the lines of a source file; also checks row_hash against the line's XXH64.
 */
import type { RowDataPacket } from "mysql2";
import mysql from "mysql2/promise";
import { expect } from "vitest";
import { type DatasetSpec, datasets, type TableName } from "../../lib/catalog/datasets";
import { hashHex, lineHasher } from "../../lib/etl/hash";

/** key → line, for the data lines of a TSV text (header skipped); the last of duplicate keys wins. */
export function linesByKey(spec: DatasetSpec, tsv: string): Map<string, string> {
  const lines = tsv
    .split("\n")
    .slice(1)
    .filter((line) => line.length > 0);
  const keyCount = spec.keyFields.length;
  return new Map(lines.map((line) => [line.split("\t").slice(0, keyCount).join("\t"), line]));
}

export async function readTableAsLines(
  url: string,
  table: TableName,
): Promise<Map<string, { line: string; hash: string }>> {
  const spec = datasets[table];
  const columns = spec.fields.map((f) => `IFNULL(CAST(\`${f.name}\` AS CHAR), '\\\\N')`);
  const keys = spec.keyFields.map((k) => `CAST(\`${k}\` AS CHAR)`);
  const connection = await mysql.createConnection({ uri: url, charset: "utf8mb4_unicode_ci" });
  try {
    const [rows] = await connection.query<RowDataPacket[]>(
      `SELECT HEX(CONCAT_WS('\\t', ${keys.join(", ")})) AS k, HEX(CONCAT_WS('\\t', ${columns.join(", ")})) AS line, HEX(row_hash) AS h FROM \`${table}\``,
    );
    const fromHex = (hex: string) => Buffer.from(hex, "hex").toString("utf8");
    return new Map(
      rows.map((r) => [fromHex(String(r.k)), { line: fromHex(String(r.line)), hash: String(r.h).toLowerCase() }]),
    );
  } finally {
    await connection.end();
  }
}

/** The table holds exactly the file's rows: same keys, same bytes, NULLs where the file says \N. */
export async function expectTableEqualsFile(url: string, table: TableName, tsv: string): Promise<void> {
  const expected = linesByKey(datasets[table], tsv);
  const actual = await readTableAsLines(url, table);
  const hash = await lineHasher();
  expect([...actual.keys()].sort(), `${table} keys`).toEqual([...expected.keys()].sort());
  for (const [key, line] of expected) {
    const row = actual.get(key);
    expect(row?.line, `${table} ${key}`).toBe(line);
    expect(row?.hash, `${table} ${key} row_hash`).toBe(hashHex(hash(Buffer.from(line, "utf8"))));
  }
}

/** The true change counts between two versions of a file. */
export function expectedChanges(spec: DatasetSpec, before: string, after: string) {
  const old = linesByKey(spec, before);
  const next = linesByKey(spec, after);
  let inserted = 0;
  let updated = 0;
  let unchanged = 0;
  for (const [key, line] of next) {
    const previous = old.get(key);
    if (previous === undefined) inserted++;
    else if (previous === line) unchanged++;
    else updated++;
  }
  const deleted = [...old.keys()].filter((key) => !next.has(key)).length;
  return { read: next.size, inserted, updated, unchanged, deleted };
}

/** title_genres holds exactly the comma-split genres of the file's titles, by name. */
export async function expectGenresEqualFile(url: string, titleBasicsTsv: string): Promise<void> {
  const expected: string[] = [];
  for (const line of linesByKey(datasets.title_basics, titleBasicsTsv).values()) {
    const fields = line.split("\t");
    const genres = fields[8];
    if (!genres || genres === "\\N") continue;
    for (const name of new Set(genres.split(",").filter(Boolean))) expected.push(`${fields[0]}|${name}`);
  }
  const connection = await mysql.createConnection({ uri: url });
  try {
    const [rows] = await connection.query<RowDataPacket[]>(
      "SELECT CONCAT(tg.tconst, '|', g.genre_name) AS pair FROM title_genres tg JOIN genres g USING (genre_id)",
    );
    expect(rows.map((r) => String(r.pair)).sort()).toEqual(expected.sort());
    const [unused] = await connection.query<RowDataPacket[]>(
      "SELECT genre_name FROM genres g WHERE NOT EXISTS (SELECT 1 FROM title_genres tg WHERE tg.genre_id = g.genre_id)",
    );
    expect(unused).toEqual([]);
    const [counts] = await connection.query<RowDataPacket[]>(
      "SELECT genre_name AS name, title_count AS n, (SELECT COUNT(*) FROM title_genres tg WHERE tg.genre_id = g.genre_id) AS actual FROM genres g",
    );
    for (const row of counts) expect(Number(row.n), `title_count of ${row.name}`).toBe(Number(row.actual));
  } finally {
    await connection.end();
  }
}
