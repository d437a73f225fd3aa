import { describe, expect, it } from "vitest";
import { datasets } from "../../lib/etl/datasets";
import {
  deleteByKeysSql,
  keyColumns,
  loadRowsSql,
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
});
