import { describe, expect, it } from "vitest";
import { datasets } from "../../lib/catalog/datasets";
import { floorLoadSql } from "../../scripts/bench/floor";

describe("the floor's LOAD DATA", () => {
  it("maps the text key to its number, \\N to NULL and row_hash to a constant", () => {
    const sql = floorLoadSql(datasets.title_ratings);
    expect(sql).toBe(
      [
        "LOAD DATA LOCAL INFILE 'title.ratings.tsv' INTO TABLE `title_ratings` CHARACTER SET utf8mb4",
        "FIELDS TERMINATED BY '\\t' ESCAPED BY '' LINES TERMINATED BY '\\n' IGNORE 1 LINES",
        "(@f0, @f1, @f2)",
        "SET `tid` = CAST(SUBSTRING(@f0, 3) AS UNSIGNED), " +
          "`averageRating` = IF(CAST(@f1 AS BINARY) = '\\\\N', NULL, @f1), " +
          "`numVotes` = IF(CAST(@f2 AS BINARY) = '\\\\N', NULL, @f2), `row_hash` = X'0000000000000000'",
      ].join("\n"),
    );
  });

  it("loads ordering as is and people by nid", () => {
    expect(floorLoadSql(datasets.title_akas)).toContain("`ordering` = @f1,");
    expect(floorLoadSql(datasets.name_basics)).toContain("`nid` = CAST(SUBSTRING(@f0, 3) AS UNSIGNED)");
  });
});
