import type { RowDataPacket } from "mysql2";
import mysql from "mysql2/promise";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../helpers/database";

const headers: Record<string, string[]> = {
  name_basics: ["nconst", "primaryName", "birthYear", "deathYear", "primaryProfession", "knownForTitles"],
  title_basics: [
    "tconst",
    "titleType",
    "primaryTitle",
    "originalTitle",
    "isAdult",
    "startYear",
    "endYear",
    "runtimeMinutes",
    "genres",
  ],
  title_akas: ["titleId", "ordering", "title", "region", "language", "types", "attributes", "isOriginalTitle"],
  title_crew: ["tconst", "directors", "writers"],
  title_episode: ["tconst", "parentTconst", "seasonNumber", "episodeNumber"],
  title_principals: ["tconst", "ordering", "nconst", "category", "job", "characters"],
  title_ratings: ["tconst", "averageRating", "numVotes"],
};

describe("migrated schema", () => {
  let db: TestDatabase;
  let connection: mysql.Connection;

  beforeAll(async () => {
    db = await createTestDatabase("schema");
    connection = await mysql.createConnection({ uri: db.url });
  });
  afterAll(async () => {
    await connection.end();
    await db.drop();
  });

  it("has every IMDb table with a column per header field and a BINARY(8) row_hash", async () => {
    for (const [table, columns] of Object.entries(headers)) {
      const [rows] = await connection.query<RowDataPacket[]>(
        "SELECT column_name AS c, column_type AS t FROM information_schema.columns WHERE table_schema = DATABASE() AND table_name = ?",
        [table],
      );
      const names = rows.map((r) => String(r.c));
      expect(names, table).toEqual(expect.arrayContaining([...columns, "row_hash"]));
      expect(rows.find((r) => r.c === "row_hash")?.t).toBe("binary(8)");
    }
  });

  it("computes the text keys from the numeric ones, padded to seven digits", async () => {
    await connection.query("INSERT INTO title_basics (tid, row_hash) VALUES (1, 0x0102030405060708), (10000000, 0x00)");
    const [rows] = await connection.query<RowDataPacket[]>(
      "SELECT tconst, HEX(row_hash) AS h FROM title_basics ORDER BY tid",
    );
    expect(rows.map((r) => r.tconst)).toEqual(["tt0000001", "tt10000000"]);
    expect(rows[0]?.h).toBe("0102030405060708");
  });

  it("has no index on a VIRTUAL column (on a Galera node InnoDB's purge can loop on such a table: README)", async () => {
    const [rows] = await connection.query<RowDataPacket[]>(
      `SELECT DISTINCT s.table_name AS t, s.column_name AS c FROM information_schema.statistics s
       JOIN information_schema.columns c ON c.table_schema = s.table_schema AND c.table_name = s.table_name
         AND c.column_name = s.column_name
       WHERE s.table_schema = DATABASE() AND c.extra LIKE '%VIRTUAL%'`,
    );
    expect(rows.map((r) => `${r.t}.${r.c}`)).toEqual([]);
    const [keys] = await connection.query<RowDataPacket[]>(
      `SELECT COUNT(*) AS n FROM information_schema.columns
       WHERE table_schema = DATABASE() AND column_name IN ('tconst', 'nconst', 'titleId', 'active_slot')
         AND extra LIKE '%STORED GENERATED%'`,
    );
    expect(Number(keys[0]?.n)).toBe(9);
  });

  it("has the genre tables and the run bookkeeping tables", async () => {
    const [rows] = await connection.query<RowDataPacket[]>(
      "SELECT table_name AS t FROM information_schema.tables WHERE table_schema = DATABASE()",
    );
    expect(rows.map((r) => String(r.t))).toEqual(
      expect.arrayContaining(["genres", "title_genres", "etl_runs", "etl_run_tables", "etl_rejects", "etl_sources"]),
    );
  });
});
