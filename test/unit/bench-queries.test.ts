import { describe, expect, it } from "vitest";
import { benchQueries, formatPlan, planProblems, referenceTableSql } from "../../scripts/bench/queries";

describe("planProblems", () => {
  it("accepts index lookups and joins", () => {
    const plan = [
      { table: "tp", type: "ref", key: "title_principals_tconst" },
      { table: "nb", type: "eq_ref", key: "name_basics_nconst" },
    ];
    expect(planProblems(plan)).toEqual([]);
  });

  it("reports full table and full index scans, except on the allowed aliases and derived tables", () => {
    const plan = [
      { table: "tr", type: "ALL", key: null },
      { table: "tb", type: "ALL", key: null },
      { table: "tg", type: "index", key: "title_genres_genre_tid" },
      { table: "<derived2>", type: "ALL", key: null },
      { table: null, type: null, key: null },
    ];
    expect(planProblems(plan, ["tr"])).toEqual(["tb: full table scan", "tg: full index scan"]);
  });

  it("formats a plan as alias:type(index)", () => {
    expect(
      formatPlan([
        { table: "tr", type: "ALL", key: null },
        { table: "tb", type: "ref", key: "title_basics_tconst" },
      ]),
    ).toBe("tr:ALL tb:ref(title_basics_tconst)");
  });
});

describe("the reference schema", () => {
  it("keys each table by IMDb's text key and copies the header columns", () => {
    const [create, alter] = referenceTableSql("title_principals", "bench");
    expect(create).toBe(
      "CREATE TABLE `title_principals` (PRIMARY KEY (`tconst`, `ordering`)) ENGINE=InnoDB SELECT `tconst`, `ordering`, `nconst`, `category`, `job`, `characters` FROM `bench`.`title_principals`",
    );
    expect(alter).toBe("ALTER TABLE `title_principals` ADD INDEX (`nconst`)");
  });

  it("builds a table without secondary indexes in one statement", () => {
    expect(referenceTableSql("title_crew", "bench")).toHaveLength(1);
  });
});

describe("the bench queries", () => {
  it("use IMDb's column names only, so the same text runs on the mirror and the reference", () => {
    for (const query of benchQueries) expect(query.sql, query.name).not.toMatch(/\b(tid|nid|row_hash)\b/);
  });
});
