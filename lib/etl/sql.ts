/**
 * SQL builders for the engine: pure functions of a dataset spec, tested as strings.
 *
 * Rows travel to the server as `<id>\t<row_hash hex>\t<the raw IMDb line>\n` with ESCAPED BY '' so the
 * line's bytes pass through untouched (backslashes included); `\N` becomes NULL in the SET clause, compared
 * as bytes so that a value like `\n` or `\N ` stays text.
 */
import { type DatasetSpec, hasOrdering, idColumn, keyColumns } from "../catalog/datasets";

import { asText, quote, rowLineSql } from "../catalog/row-line";

export { idColumn, keyColumns, rowLineSql };

/** Columns the engine writes (the text key is a generated column computed from the id). */
export function storedColumns(spec: DatasetSpec): string[] {
  return [idColumn(spec), ...spec.fields.slice(1).map((f) => f.name), "row_hash"];
}

/** LOAD DATA of the engine's row format into `table`; REPLACE so the last of duplicate keys wins. */
export function loadRowsSql(spec: DatasetSpec, table: string): string {
  const variables = spec.fields.map((_, i) => `@f${i}`);
  const assignments = spec.fields.slice(1).map((field, index) => {
    const variable = `@f${index + 1}`;
    return field.name === "ordering"
      ? `${quote(field.name)} = ${variable}`
      : `${quote(field.name)} = IF(CAST(${variable} AS BINARY) = '\\\\N', NULL, ${variable})`;
  });
  return [
    `LOAD DATA LOCAL INFILE 'rows.tsv' REPLACE INTO TABLE ${quote(table)} CHARACTER SET utf8mb4`,
    "FIELDS TERMINATED BY '\\t' ESCAPED BY '' LINES TERMINATED BY '\\n'",
    `(${quote(idColumn(spec))}, @row_hash, ${variables.join(", ")})`,
    `SET row_hash = UNHEX(@row_hash), ${assignments.join(", ")}`,
  ].join("\n");
}

/** LOAD DATA of bare keys (`<id>[\t<ordering>]\n`) into a key table. */
export function loadKeysSql(spec: DatasetSpec, table: string): string {
  return [
    `LOAD DATA LOCAL INFILE 'keys.tsv' IGNORE INTO TABLE ${quote(table)}`,
    "FIELDS TERMINATED BY '\\t' ESCAPED BY '' LINES TERMINATED BY '\\n'",
    `(${keyColumns(spec).map(quote).join(", ")})`,
  ].join("\n");
}

/** The table's keys and hashes in file order (the numeric primary key), for the incremental merge. */
export function selectKeyHashesSql(spec: DatasetSpec, table: string): string {
  const keys = keyColumns(spec).map(quote).join(", ");
  return `SELECT ${keys}, row_hash FROM ${quote(table)} ORDER BY ${keys}`;
}

/**
 * The table's keys, row_hash and each row rendered back as its IMDb line (NULL as \N, every value as its text),
 * in file order: a full compare hashes the line, so a value changed behind the sync's back is seen even where
 * row_hash was left as it was.
 */
export function selectRowLinesSql(spec: DatasetSpec, table: string): string {
  const keys = keyColumns(spec).map(quote).join(", ");
  return `SELECT ${keys}, row_hash, CAST(${rowLineSql(spec)} AS BINARY) AS line FROM ${quote(table)} ORDER BY ${keys}`;
}

/** The columns whose values an update can change: every field but the key's. */
export function valueColumns(spec: DatasetSpec): string[] {
  const keys = new Set(spec.keyFields);
  return spec.fields.filter((f) => !keys.has(f.name)).map((f) => f.name);
}

/**
 * An update's changed columns as a JSON object text, `{"col":{"old":…,"new":…},…}`, from the main table's row
 * (`t`, as it was) and the stage's (`s`). Compared as bytes and NULL-aware (`<=>` on BINARY casts), so a
 * case-only change, a trailing space or `\\N` against an empty string counts, whatever the column's collation.
 */
export function changedColumnsSql(spec: DatasetSpec): string {
  const entries = valueColumns(spec).map((c) => {
    const [old, now] = [`t.${quote(c)}`, `s.${quote(c)}`];
    const pair = `JSON_OBJECT('old', ${asText(old)}, 'new', ${asText(now)})`;
    return `IF(CAST(${old} AS BINARY) <=> CAST(${now} AS BINARY), NULL, CONCAT('${JSON.stringify(c)}:', ${pair}))`;
  });
  return `CONCAT('{', CONCAT_WS(',', ${entries.join(", ")}), '}')`;
}

const changeColumns = "(run_id, table_name, key_number, ordering, kind, changed_columns, old_line)";

/**
 * Logs the staged rows as inserts or updates (with their changed columns and old line) before the upsert
 * overwrites them: the stage joined with the main table by primary key, so the cost follows the changed rows.
 * One parameter: the run id.
 */
export function logStagedChangesSql(spec: DatasetSpec, table: string, stage: string): string {
  const id = idColumn(spec);
  return [
    `INSERT INTO etl_changes ${changeColumns}`,
    `SELECT ?, '${spec.table}', s.${quote(id)}, ${loggedOrdering(spec, "s")},`,
    `IF(t.${quote(id)} IS NULL, 'insert', 'update'),`,
    `IF(t.${quote(id)} IS NULL, NULL, ${changedColumnsSql(spec)}),`,
    `IF(t.${quote(id)} IS NULL, NULL, ${rowLineSql(spec, "t")})`,
    `FROM ${quote(stage)} s LEFT JOIN ${quote(table)} t ON ${onKeys(spec, "t", "s")}`,
  ].join("\n");
}

/** Logs the rows about to be deleted, each with its line as it was. One parameter: the run id. */
export function logDeletedRowsSql(spec: DatasetSpec, table: string, keysTable: string): string {
  return [
    `INSERT INTO etl_changes ${changeColumns}`,
    `SELECT ?, '${spec.table}', t.${quote(idColumn(spec))}, ${loggedOrdering(spec, "t")}, 'delete', NULL, ${rowLineSql(spec, "t")}`,
    `FROM ${quote(table)} t JOIN ${quote(keysTable)} k ON ${onKeys(spec, "t", "k")}`,
  ].join("\n");
}

export function createKeyTableSql(spec: DatasetSpec, table: string): string {
  const columns = keyColumns(spec).map((c) => `${quote(c)} ${c === "ordering" ? "SMALLINT" : "INT"} UNSIGNED NOT NULL`);
  return `CREATE TABLE ${quote(table)} (${columns.join(", ")}, PRIMARY KEY (${keyColumns(spec).map(quote).join(", ")})) ENGINE=InnoDB`;
}

/** Inserts new rows and overwrites changed ones from the stage table (only changed rows are staged). */
export function upsertSql(spec: DatasetSpec, table: string, stage: string): string {
  const columns = storedColumns(spec).map(quote);
  const keys = new Set(keyColumns(spec));
  const updates = storedColumns(spec)
    .filter((c) => !keys.has(c))
    .map((c) => `${quote(c)} = VALUES(${quote(c)})`);
  return [
    `INSERT INTO ${quote(table)} (${columns.join(", ")})`,
    `SELECT ${columns.join(", ")} FROM ${quote(stage)}`,
    `ON DUPLICATE KEY UPDATE ${updates.join(", ")}`,
  ].join("\n");
}

/** Deletes the rows whose keys are listed in the key table. */
export function deleteByKeysSql(spec: DatasetSpec, table: string, keysTable: string): string {
  return `DELETE t FROM ${quote(table)} t JOIN ${quote(keysTable)} k ON ${onKeys(spec, "t", "k")}`;
}

/** The join condition of two tables on every key column. */
export function onKeys(spec: DatasetSpec, left: string, right: string): string {
  return keyColumns(spec)
    .map((c) => `${left}.${quote(c)} = ${right}.${quote(c)}`)
    .join(" AND ");
}

/** The change log's `ordering`: the row's own for akas and principals, 0 for the tables keyed by one column. */
const loggedOrdering = (spec: DatasetSpec, alias: string) => (hasOrdering(spec) ? `${alias}.\`ordering\`` : "0");

/** LOAD DATA of `tid\tgenre_id` rows; IGNORE: a title repeated out of order in a first build adds its genres twice. */
export function loadGenreRowsSql(table: string): string {
  return `LOAD DATA LOCAL INFILE 'genres.tsv' IGNORE INTO TABLE ${quote(table)} (tid, genre_id)`;
}
