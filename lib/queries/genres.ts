/**
 * The genre browser: every genre with its title count (genres.title_count, kept by the engine), and one
 * genre's titles, filtered and sorted, a page at a time.
 *
 * Speed on millions of rows: a small genre is read from title_genres (genre_id, tid) and sorted. A big one is
 * read through one index, the driver, checking membership with the title_genres primary key (tid, genre_id):
 * - the sort's index (title_ratings numVotes / averageRating, title_basics startYear / primaryTitle), in its
 *   order, so the server stops after one page;
 * - or, when the filter's own range of an index holds fewer than rangeLimit titles (a title type and its years,
 *   a year range, a vote minimum), that range, sorted after: the movies since 1990 are 67 k titles at full size,
 *   where Drama's with 1,000 votes, in vote order, were found ~120 k ratings down.
 * Either way only the driver's index, the membership key and the filters' columns are read for each candidate
 * (a deferred join): the page's columns are read for its 50 rows alone. What stays slow is a filter that few
 * titles of a big genre pass and no small range finds (docs/console.md, Page times).
 */
import "server-only";
import { asc } from "drizzle-orm";
import type { Pool, RowDataPacket } from "mysql2/promise";
import { genres } from "@/db/schema";
import { getDb, getPool } from "@/lib/db";
import { readThrough } from "./read-cache";

export const titleTypes = [
  "movie",
  "short",
  "tvSeries",
  "tvEpisode",
  "tvMovie",
  "tvMiniSeries",
  "tvSpecial",
  "tvShort",
  "tvPilot",
  "video",
  "videoGame",
] as const;

export const genreSorts = ["votes", "rating", "year", "title"] as const;
export type GenreSort = (typeof genreSorts)[number];

export interface GenreFilter {
  type?: string;
  yearFrom?: number;
  yearTo?: number;
  minVotes?: number;
  sort: GenreSort;
  page: number;
  pageSize: number;
}

export interface GenreTitle {
  tid: number;
  tconst: string;
  primaryTitle: string | null;
  titleType: string | null;
  startYear: number | null;
  averageRating: string | null;
  numVotes: number | null;
}

/** Every genre with its title count, by name (through the read cache, as genreTitles). */
export function listGenres() {
  return readThrough(getPool(), ["genres"], async () =>
    getDb()
      .select({ id: genres.genreId, name: genres.genreName, titles: genres.titleCount })
      .from(genres)
      .orderBy(asc(genres.genreName)),
  );
}

export interface Genre {
  id: number;
  name: string;
  titles: number;
}

async function genreByName(pool: Pool, name: string): Promise<Genre | undefined> {
  const [rows] = await pool.query<RowDataPacket[]>(
    "SELECT genre_id AS id, genre_name AS name, title_count AS titles FROM genres WHERE genre_name = ?",
    [name],
  );
  const row = rows[0];
  return row ? { id: Number(row.id), name: String(row.name), titles: Number(row.titles) } : undefined;
}

/** Below this many titles a genre is read from title_genres and sorted; above, through a driver index. */
export const smallGenre = 20_000;

/** Sorting by rating or votes lists rated titles only (an unrated title has nothing to sort by). */
function needsRating(filter: GenreFilter): boolean {
  return filter.sort === "votes" || filter.sort === "rating" || filter.minVotes !== undefined;
}

/** The title filters the genre page and search share: conditions on `b` (title_basics) and `r` (title_ratings). */
export interface TitleFilter {
  type?: string;
  yearFrom?: number;
  yearTo?: number;
  minVotes?: number;
  genre?: string;
}

/** A filter as SQL to append to a WHERE (each condition after an ` AND `), with its parameters. */
export function titleFilterSql(
  filter: TitleFilter,
  extra: string[] = [],
): { sql: string; params: (string | number)[] } {
  const parts: string[] = [];
  const params: (string | number)[] = [];
  const add = (clause: string, value: string | number | undefined) => {
    if (value === undefined) return;
    parts.push(clause);
    params.push(value);
  };
  add("b.titleType = ?", filter.type);
  add("b.startYear >= ?", filter.yearFrom);
  add("b.startYear <= ?", filter.yearTo);
  add("r.numVotes >= ?", filter.minVotes);
  add(
    "EXISTS (SELECT 1 FROM title_genres tg JOIN genres g ON g.genre_id = tg.genre_id WHERE tg.tid = b.tid AND g.genre_name = ?)",
    filter.genre,
  );
  return { sql: [...parts, ...extra].map((p) => ` AND ${p}`).join(""), params };
}

/** An index a big genre's page is read through: its table (b or r) and the columns it holds besides tid. */
export interface Driver {
  table: "b" | "r";
  index: string;
  columns: string[];
}

const byVotes: Driver = { table: "r", index: "title_ratings_numVotes", columns: ["numVotes"] };
const byYear: Driver = { table: "b", index: "title_basics_startYear", columns: ["startYear"] };
const byType: Driver = { table: "b", index: "title_basics_titleType_startYear", columns: ["titleType", "startYear"] };

/** Each sort's index, read in its order, and the column sorted on. */
const sorts: Record<GenreSort, { driver: Driver; column: string; direction: "ASC" | "DESC" }> = {
  votes: { driver: byVotes, column: "numVotes", direction: "DESC" },
  rating: {
    driver: { table: "r", index: "title_ratings_averageRating", columns: ["averageRating"] },
    column: "averageRating",
    direction: "DESC",
  },
  year: { driver: byYear, column: "startYear", direction: "DESC" },
  title: {
    driver: { table: "b", index: "title_basics_primaryTitle", columns: ["primaryTitle"] },
    column: "primaryTitle",
    direction: "ASC",
  },
};

/** Every driver, for the test that each answers as the small-genre path does. */
export const genreDrivers: Driver[] = [...new Set([...Object.values(sorts).map((s) => s.driver), byType])];

const tableOf = { b: "title_basics", r: "title_ratings" } as const;
const ratingColumns = new Set(["numVotes", "averageRating"]);
const columnTable = (column: string) => (ratingColumns.has(column) ? "r" : "b");

/** The filter's conditions as [column, operator, value], in the order their parameters go. */
function conditions(filter: GenreFilter): [string, string, unknown][] {
  const all: [string, string, unknown][] = [
    ["titleType", "=", filter.type],
    ["startYear", ">=", filter.yearFrom],
    ["startYear", "<=", filter.yearTo],
    ["numVotes", ">=", filter.minVotes],
  ];
  return all.filter(([, , value]) => value !== undefined);
}

/**
 * The driver whose range the filter narrows (a type and its years, years alone, a vote minimum), or undefined
 * when the filter has none or it is the sort's own index (read in order, narrowed by the filter, anyway).
 */
export function rangeDriver(filter: GenreFilter): Driver | undefined {
  const sortDriver = sorts[filter.sort].driver;
  const driver =
    filter.type !== undefined
      ? byType
      : filter.yearFrom !== undefined || filter.yearTo !== undefined
        ? byYear
        : filter.minVotes !== undefined
          ? byVotes
          : undefined;
  return driver === sortDriver ? undefined : driver;
}

/** Above this many titles in a filter's range, a big genre is read in the sort's order instead (rangeDriver). */
export const rangeLimit = 100_000;

/**
 * How many titles the filter's range of the driver holds, as the optimizer estimates it (index dives: exact for
 * a small range, within about 2× for a large one, measured at 0.01×), without reading the range: counting up
 * to rangeLimit read 100 k index entries, 24 ms, on every page of a common type.
 */
async function rangeRows(pool: Pool, driver: Driver, filter: GenreFilter): Promise<number> {
  const own = conditions(filter).filter(([column]) => driver.columns.includes(column));
  const [plan] = await pool.query<RowDataPacket[]>(
    `EXPLAIN SELECT 1 FROM ${tableOf[driver.table]} FORCE INDEX (${driver.index})
      WHERE ${own.map(([column, op]) => `${column} ${op} ?`).join(" AND ")}`,
    own.map(([, , value]) => value),
  );
  return Number(plan[0]?.rows ?? Number.POSITIVE_INFINITY);
}

/**
 * The driver of a big genre's page: a title type sorted by year is its (titleType, startYear) index in order; a
 * small range of the filter's, read whole; else the sort's index, in order.
 */
async function pickDriver(pool: Pool, filter: GenreFilter): Promise<Driver> {
  if (filter.type !== undefined && filter.sort === "year") return byType;
  const range = rangeDriver(filter);
  if (range && (await rangeRows(pool, range, filter)) < rangeLimit) return range;
  return sorts[filter.sort].driver;
}

const pageColumns =
  "b.tid, b.tconst, b.primaryTitle, b.titleType, b.startYear, CAST(r.averageRating AS CHAR) AS averageRating, r.numVotes";

/** A small genre's page: all its titles from title_genres (genre_id, tid), filtered and sorted. */
function smallGenreSql(filter: GenreFilter): string {
  const { column, direction } = sorts[filter.sort];
  const where = conditions(filter).map(([c, op]) => ` AND ${columnTable(c)}.${c} ${op} ?`);
  if (filter.sort === "year") where.push(" AND b.startYear IS NOT NULL");
  return `SELECT ${pageColumns} FROM title_genres tg JOIN title_basics b ON b.tid = tg.tid
      ${needsRating(filter) ? "JOIN" : "LEFT JOIN"} title_ratings r ON r.tid = tg.tid
      WHERE tg.genre_id = ?${where.join("")}
      ORDER BY ${columnTable(column)}.${column} ${direction}, b.tid ${direction} LIMIT ? OFFSET ?`;
}

/**
 * A big genre's page through driver `d`: the inner query finds the page's tids reading only `d`'s index, the
 * membership key and, from b or r, the filter's columns that `d` does not hold; the outer one reads the page's
 * columns for those rows alone.
 */
function drivenSql(filter: GenreFilter, driver: Driver): string {
  const { column, direction } = sorts[filter.sort];
  const joined = new Set<"b" | "r">(needsRating(filter) && driver.table !== "r" ? ["r"] : []);
  const ref = (name: string) => {
    const table = columnTable(name);
    if (driver.table === table && driver.columns.includes(name)) return `d.${name}`;
    joined.add(table);
    return `${table}.${name}`;
  };
  const where = conditions(filter).map(([c, op]) => `${ref(c)} ${op} ?`);
  if (filter.sort === "year") where.push(`${ref("startYear")} IS NOT NULL`);
  // The title index's entries are (primaryTitle, tid), but MariaDB reads it in order for `ORDER BY primaryTitle`
  // alone: with `, tid` the key would pass 3,072 bytes, and it sorted the whole index (123 k rows at 0.01×).
  const inOrder = filter.sort === "title" && driver.index === sorts.title.driver.index;
  const order = `${ref(column)} ${direction}${inOrder ? "" : `, d.tid ${direction}`}`;
  const join = (t: "b" | "r") => (joined.has(t) ? ` JOIN ${tableOf[t]} ${t} ON ${t}.tid = d.tid` : "");
  const member = " JOIN title_genres tg ON tg.tid = d.tid AND tg.genre_id = ?";
  // Through title_basics, the ratings first: fewer titles are rated (13 % at IMDb) than in a big genre.
  const joins = driver.table === "b" ? `${join("r")}${member}${join("b")}` : `${member}${join("b")}${join("r")}`;
  const inner = `SELECT STRAIGHT_JOIN d.tid FROM ${tableOf[driver.table]} d FORCE INDEX (${driver.index})${joins}
      WHERE ${where.length > 0 ? where.join(" AND ") : "TRUE"} ORDER BY ${order} LIMIT ? OFFSET ?`;
  return `SELECT ${pageColumns} FROM (${inner}) p
      JOIN title_basics b ON b.tid = p.tid LEFT JOIN title_ratings r ON r.tid = p.tid
      ORDER BY ${columnTable(column)}.${column} ${direction}, p.tid ${direction}`;
}

/** The SQL of one page of a genre and its parameters: a small genre's without a driver (exported for the test). */
export function genrePageQuery(genreId: number, filter: GenreFilter, driver?: Driver) {
  const sql = driver ? drivenSql(filter, driver) : smallGenreSql(filter);
  const params = [
    genreId,
    ...conditions(filter).map(([, , value]) => value),
    filter.pageSize + 1,
    (filter.page - 1) * filter.pageSize,
  ];
  return { sql, params };
}

/**
 * One page of a genre's titles (and whether there is a next page), or undefined for an unknown genre; through the
 * read cache.
 */
export function genreTitles(name: string, filter: GenreFilter, pool: Pool = getPool()) {
  return readThrough(pool, ["genreTitles", name, filter], () => readGenreTitles(name, filter, pool));
}

async function readGenreTitles(name: string, filter: GenreFilter, pool: Pool) {
  const genre = await genreByName(pool, name);
  if (!genre) return undefined;
  const driver = genre.titles < smallGenre ? undefined : await pickDriver(pool, filter);
  const { sql, params } = genrePageQuery(genre.id, filter, driver);
  const [rows] = await pool.query<RowDataPacket[]>(sql, params);
  const titles = rows.slice(0, filter.pageSize).map(
    (r): GenreTitle => ({
      tid: Number(r.tid),
      tconst: String(r.tconst),
      primaryTitle: r.primaryTitle === null ? null : String(r.primaryTitle),
      titleType: r.titleType === null ? null : String(r.titleType),
      startYear: r.startYear === null ? null : Number(r.startYear),
      averageRating: r.averageRating === null ? null : String(r.averageRating),
      numVotes: r.numVotes === null ? null : Number(r.numVotes),
    }),
  );
  return { genre, titles, hasNext: rows.length > filter.pageSize, ratedOnly: needsRating(filter) };
}
