import { describe, expect, it } from "vitest";
import { datasets } from "../../lib/catalog/datasets";
import {
  changedColumnsSql,
  deleteByKeysSql,
  keyColumns,
  loadRowsSql,
  logDeletedRowsSql,
  logStagedChangesSql,
  rowLineSql,
  selectKeyHashesSql,
  storedColumns,
  upsertSql,
} from "../../lib/etl/sql";

describe("SQL builders", () => {
  it("keys are the number of the IMDb key, with ordering for akas and principals", () => {
    expect(keyColumns(datasets.name_basics)).toEqual(["nid"]);
    expect(keyColumns(datasets.title_akas)).toEqual(["tid", "ordering"]);
    expect(storedColumns(datasets.title_ratings)).toEqual(["tid", "averageRating", "numVotes", "row_hash"]);
  });

  it("loads the raw line unescaped, turning a whole-field \\N into NULL compared as bytes", () => {
    const sql = loadRowsSql(datasets.title_ratings, "_stage_title_ratings");
    expect(sql).toBe(
      [
        "LOAD DATA LOCAL INFILE 'rows.tsv' REPLACE INTO TABLE `_stage_title_ratings` CHARACTER SET utf8mb4",
        "FIELDS TERMINATED BY '\\t' ESCAPED BY '' LINES TERMINATED BY '\\n'",
        "(`tid`, @row_hash, @f0, @f1, @f2)",
        "SET row_hash = UNHEX(@row_hash), `averageRating` = IF(CAST(@f1 AS BINARY) = '\\\\N', NULL, @f1), `numVotes` = IF(CAST(@f2 AS BINARY) = '\\\\N', NULL, @f2)",
      ].join("\n"),
    );
  });

  it("sets ordering directly: it is part of the key and never \\N", () => {
    expect(loadRowsSql(datasets.title_akas, "x")).toContain("`ordering` = @f1,");
  });

  it("streams keys and hashes in primary-key order", () => {
    expect(selectKeyHashesSql(datasets.title_principals, "title_principals")).toBe(
      "SELECT `tid`, `ordering`, row_hash FROM `title_principals` ORDER BY `tid`, `ordering`",
    );
  });

  it("upserts every stored column but the key from the stage", () => {
    expect(upsertSql(datasets.title_ratings, "title_ratings", "_stage")).toBe(
      [
        "INSERT INTO `title_ratings` (`tid`, `averageRating`, `numVotes`, `row_hash`)",
        "SELECT `tid`, `averageRating`, `numVotes`, `row_hash` FROM `_stage`",
        "ON DUPLICATE KEY UPDATE `averageRating` = VALUES(`averageRating`), `numVotes` = VALUES(`numVotes`), `row_hash` = VALUES(`row_hash`)",
      ].join("\n"),
    );
  });

  it("deletes by joining the key table on every key column", () => {
    expect(deleteByKeysSql(datasets.title_akas, "title_akas", "_delete")).toBe(
      "DELETE t FROM `title_akas` t JOIN `_delete` k ON t.`tid` = k.`tid` AND t.`ordering` = k.`ordering`",
    );
  });

  it("renders a row back as its IMDb line, NULL as \\N", () => {
    expect(rowLineSql(datasets.title_ratings, "t")).toBe(
      "CONCAT_WS('\\t', IFNULL(CAST(t.`tconst` AS CHAR CHARACTER SET utf8mb4), '\\\\N'), " +
        "IFNULL(CAST(t.`averageRating` AS CHAR CHARACTER SET utf8mb4), '\\\\N'), " +
        "IFNULL(CAST(t.`numVotes` AS CHAR CHARACTER SET utf8mb4), '\\\\N'))",
    );
  });

  it("lists an update's changed columns compared as bytes and NULL-aware, the key aside", () => {
    const sql = changedColumnsSql(datasets.title_akas);
    expect(sql).not.toContain("`ordering`");
    expect(sql).not.toContain("`titleId`");
    expect(sql).toContain(
      "IF(CAST(t.`title` AS BINARY) <=> CAST(s.`title` AS BINARY), NULL, CONCAT('\"title\":', " +
        "JSON_OBJECT('old', CAST(t.`title` AS CHAR CHARACTER SET utf8mb4), 'new', CAST(s.`title` AS CHAR CHARACTER SET utf8mb4))))",
    );
    expect(sql.startsWith("CONCAT('{', CONCAT_WS(',', ")).toBe(true);
  });

  it("logs the staged rows as inserts or updates from the stage joined with the table, before the upsert", () => {
    const sql = logStagedChangesSql(datasets.title_principals, "title_principals", "_stage");
    expect(sql.split("\n")).toEqual([
      "INSERT INTO etl_changes (run_id, table_name, key_number, ordering, kind, changed_columns, old_line)",
      "SELECT ?, 'title_principals', s.`tid`, s.`ordering`,",
      "IF(t.`tid` IS NULL, 'insert', 'update'),",
      `IF(t.\`tid\` IS NULL, NULL, ${changedColumnsSql(datasets.title_principals)}),`,
      `IF(t.\`tid\` IS NULL, NULL, ${rowLineSql(datasets.title_principals, "t")})`,
      "FROM `_stage` s LEFT JOIN `title_principals` t ON t.`tid` = s.`tid` AND t.`ordering` = s.`ordering`",
    ]);
    expect(logStagedChangesSql(datasets.name_basics, "name_basics", "_s")).toContain(
      "SELECT ?, 'name_basics', s.`nid`, 0,",
    );
  });

  it("logs the deleted rows with their old line, joined on every key column", () => {
    expect(logDeletedRowsSql(datasets.title_ratings, "title_ratings", "_delete").split("\n")).toEqual([
      "INSERT INTO etl_changes (run_id, table_name, key_number, ordering, kind, changed_columns, old_line)",
      `SELECT ?, 'title_ratings', t.\`tid\`, 0, 'delete', NULL, ${rowLineSql(datasets.title_ratings, "t")}`,
      "FROM `title_ratings` t JOIN `_delete` k ON t.`tid` = k.`tid`",
    ]);
  });
});
