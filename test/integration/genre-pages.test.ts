/**
 * A big genre's page is read through one of several indexes (lib/queries/genres.ts): every one of them must
 * answer each filter, sort and page exactly as reading the whole genre and sorting it does. Synthetic titles and
 * ratings (scale 0.0005: ~6 k titles, genres of a few hundred) on the real server; the filters are taken from
 * the data so that each one keeps some titles and drops others.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import type { Pool, RowDataPacket } from "mysql2/promise";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getPool } from "../../lib/db";
import {
  type GenreFilter,
  genreDrivers,
  genrePageQuery,
  genreSorts,
  genreTitles,
  rangeDriver,
} from "../../lib/queries/genres";
import { generateDataset } from "../../scripts/bench/generate";
import { createTestDatabase, type TestDatabase } from "../helpers/database";
import { runEngine } from "../helpers/engine-run";

describe("a genre's page through each index", () => {
  let dir: string;
  let db: TestDatabase;
  let pool: Pool;
  let genre: { id: number; name: string };

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), "genre-pages-"));
    await generateDataset({ scale: 0.0005, out: dir, seed: 7 });
    db = await createTestDatabase("genre_pages");
    const summary = await runEngine(db.url, {
      mode: "first-run",
      source: dir,
      tables: ["title_basics", "title_ratings"],
    });
    expect(summary.status).toBe("succeeded");
    pool = getPool(db.url);
    const [rows] = await pool.query<RowDataPacket[]>(
      "SELECT genre_id, genre_name FROM genres ORDER BY title_count DESC LIMIT 1",
    );
    genre = { id: Number(rows[0]?.genre_id), name: String(rows[0]?.genre_name) };
  });
  afterAll(async () => {
    await db?.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  /** Filters from the genre's own titles: its most common type, the median year and the median vote count. */
  async function filters(): Promise<Omit<GenreFilter, "sort" | "page" | "pageSize">[]> {
    const [[common]] = (await pool.query(
      `SELECT b.titleType AS type FROM title_genres tg JOIN title_basics b ON b.tid = tg.tid WHERE tg.genre_id = ?
        GROUP BY b.titleType ORDER BY COUNT(*) DESC LIMIT 1`,
      [genre.id],
    )) as unknown as [[{ type: string }]];
    const median = async (sql: string) => {
      const [values] = await pool.query<RowDataPacket[]>(sql, [genre.id]);
      return Number(values[Math.floor(values.length / 2)]?.v);
    };
    const year = await median(
      "SELECT b.startYear AS v FROM title_genres tg JOIN title_basics b ON b.tid = tg.tid WHERE tg.genre_id = ? AND b.startYear IS NOT NULL ORDER BY v",
    );
    const votes = await median(
      "SELECT r.numVotes AS v FROM title_genres tg JOIN title_ratings r ON r.tid = tg.tid WHERE tg.genre_id = ? ORDER BY v",
    );
    return [
      {},
      { type: common.type },
      { type: common.type, yearFrom: year, minVotes: votes },
      { yearFrom: year - 10, yearTo: year + 10 },
      { minVotes: votes },
      { type: "tvEpisode", yearTo: year },
    ];
  }

  async function page(filter: GenreFilter, driver?: (typeof genreDrivers)[number]): Promise<number[]> {
    const { sql, params } = genrePageQuery(genre.id, filter, driver);
    const [rows] = await pool.query<RowDataPacket[]>(sql, params);
    return rows.map((r) => Number(r.tid));
  }

  it("answers every filter, sort and page as reading the whole genre does", async () => {
    let compared = 0;
    let rowsSeen = 0;
    for (const base of await filters()) {
      for (const sort of genreSorts) {
        for (const pageNumber of [1, 2, 4]) {
          const filter: GenreFilter = { ...base, sort, page: pageNumber, pageSize: 20 };
          const expected = await page(filter);
          rowsSeen += expected.length;
          const rated = sort === "votes" || sort === "rating" || filter.minVotes !== undefined;
          // An index of title_ratings lists rated titles only: it drives a page that lists those alone.
          for (const driver of genreDrivers.filter((d) => rated || d.table === "b")) {
            expect(await page(filter, driver), `${JSON.stringify(filter)} through ${driver.index}`).toEqual(expected);
            compared++;
          }
        }
      }
    }
    expect(compared).toBeGreaterThan(300);
    expect(rowsSeen).toBeGreaterThan(500);
  });

  it("reads a filter's range only when it is not the sort's own index", () => {
    const filter = (f: Partial<GenreFilter>): GenreFilter => ({ sort: "votes", page: 1, pageSize: 50, ...f });
    expect(rangeDriver(filter({ type: "movie", minVotes: 1000 }))?.index).toBe("title_basics_titleType_startYear");
    expect(rangeDriver(filter({ yearFrom: 1990 }))?.index).toBe("title_basics_startYear");
    expect(rangeDriver(filter({ sort: "rating", minVotes: 1000 }))?.index).toBe("title_ratings_numVotes");
    expect(rangeDriver(filter({ minVotes: 1000 }))).toBeUndefined();
    expect(rangeDriver(filter({ sort: "year", yearFrom: 1990 }))).toBeUndefined();
    expect(rangeDriver(filter({}))).toBeUndefined();
  });

  it("serves the page through genreTitles with its genre and the next-page flag", async () => {
    const filter: GenreFilter = { sort: "votes", page: 1, pageSize: 20 };
    const result = await genreTitles(genre.name, filter, pool);
    expect(result?.genre.id).toBe(genre.id);
    expect(result?.titles.map((t) => t.tid)).toEqual((await page(filter)).slice(0, 20));
    expect(result?.hasNext).toBe(true);
    expect(await genreTitles("No such genre", filter, pool)).toBeUndefined();
  });
});
