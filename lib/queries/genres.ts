/**
 * The genre browser: every genre with its title count (genres.title_count, kept by the engine), and one
 * genre's titles, filtered and sorted, a page at a time.
 *
 * Speed on millions of rows: a big genre is read in the order of the chosen sort's index (title_ratings
 * numVotes / averageRating, title_basics startYear / primaryTitle), checking membership with the
 * title_genres primary key (tid, genre_id), so the server stops after one page instead of sorting the
 * whole genre. A small genre is read from title_genres (genre_id, tid) and sorted, which is cheaper there;
 * a narrow year range is read through the startYear index; a title type with its years that few titles have
 * (typeRangeLimit) is read through the titleType_startYear index. A high vote minimum alone still scans much
 * of a big genre: see docs/console.md (Page times) and docs/search.md for the measured times.
 */
import "server-only";
import { asc } from "drizzle-orm";
import type { RowDataPacket } from "mysql2";
import { genres } from "@/db/schema";
import { getDb, getPool } from "@/lib/db";

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

export function listGenres() {
  return getDb()
    .select({ id: genres.genreId, name: genres.genreName, titles: genres.titleCount })
    .from(genres)
    .orderBy(asc(genres.genreName));
}

async function genreByName(name: string) {
  const [rows] = await getPool().query<RowDataPacket[]>(
    "SELECT genre_id AS id, genre_name AS name, title_count AS titles FROM genres WHERE genre_name = ?",
    [name],
  );
  const row = rows[0];
  return row ? { id: Number(row.id), name: String(row.name), titles: Number(row.titles) } : undefined;
}

/** Below this many titles a genre is read from title_genres and sorted; above, in the sort's index order. */
const smallGenre = 20_000;

const orderBy: Record<GenreSort, string> = {
  votes: "r.numVotes DESC, r.tid DESC",
  rating: "r.averageRating DESC, r.tid DESC",
  year: "b.startYear DESC, b.tid DESC",
  // No tid tie-break: MariaDB then reads the primaryTitle index in order (whose entries end in tid anyway).
  title: "b.primaryTitle ASC",
};

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

function whereClause(filter: GenreFilter): { sql: string; params: (string | number)[] } {
  // The genre itself is the page's join, not a filter here.
  const { type, yearFrom, yearTo, minVotes } = filter;
  return titleFilterSql(
    { type, yearFrom, yearTo, minVotes },
    filter.sort === "year" ? ["b.startYear IS NOT NULL"] : [],
  );
}

/** A year range of a few decades at most: reading it through the startYear index beats scanning all ratings. */
function narrowYears(filter: GenreFilter): boolean {
  return filter.yearFrom !== undefined && filter.yearTo !== undefined && filter.yearTo - filter.yearFrom <= 20;
}

/**
 * Below this many titles of the chosen type and years, a big genre's page is read from those titles (the
 * titleType_startYear index) and sorted, instead of in the sort's index order: a filter that few titles of the
 * genre pass (movies since 1990 with 1,000 votes in Drama) made that order walk the whole vote range, seconds at
 * 0.1× and at full size (docs/benchmark.md, "Figures behind the engine's settings").
 */
export const typeRangeLimit = 50_000;

/** How many titles have the filter's type and years, counted up to typeRangeLimit (an index range, no rows read). */
async function typeRangeRows(filter: GenreFilter): Promise<number | undefined> {
  if (filter.type === undefined) return undefined;
  const years = [
    filter.yearFrom === undefined ? "" : " AND startYear >= ?",
    filter.yearTo === undefined ? "" : " AND startYear <= ?",
  ].join("");
  const params = [filter.type, filter.yearFrom, filter.yearTo].filter((v) => v !== undefined);
  const [rows] = await getPool().query<RowDataPacket[]>(
    `SELECT COUNT(*) AS n FROM (SELECT 1 FROM title_basics FORCE INDEX (title_basics_titleType_startYear)
      WHERE titleType = ?${years} LIMIT ${typeRangeLimit}) t`,
    params,
  );
  return Number(rows[0]?.n ?? typeRangeLimit);
}

/** The SQL for one page of a genre; exported for the query-plan test. */
export function genreTitlesSql(genreTitles: number, filter: GenreFilter, typeRows?: number): string {
  const rated = needsRating(filter);
  const ratingJoin = rated ? "JOIN" : "LEFT JOIN";
  const columns =
    "b.tid, b.tconst, b.primaryTitle, b.titleType, b.startYear, CAST(r.averageRating AS CHAR) AS averageRating, r.numVotes";
  const where = whereClause(filter).sql;
  const tail = `ORDER BY ${orderBy[filter.sort]} LIMIT ? OFFSET ?`;
  if (genreTitles < smallGenre) {
    return `SELECT ${columns} FROM title_genres tg JOIN title_basics b ON b.tid = tg.tid ${ratingJoin} title_ratings r ON r.tid = tg.tid WHERE tg.genre_id = ?${where} ${tail}`;
  }
  if (filter.type !== undefined && typeRows !== undefined && typeRows < typeRangeLimit) {
    return `SELECT STRAIGHT_JOIN ${columns} FROM title_basics b FORCE INDEX (title_basics_titleType_startYear) JOIN title_genres tg ON tg.tid = b.tid AND tg.genre_id = ? ${ratingJoin} title_ratings r ON r.tid = b.tid WHERE 1 = 1${where} ${tail}`;
  }
  if (rated && !narrowYears(filter)) {
    return `SELECT STRAIGHT_JOIN ${columns} FROM title_ratings r JOIN title_genres tg ON tg.tid = r.tid AND tg.genre_id = ? JOIN title_basics b ON b.tid = r.tid WHERE 1 = 1${where} ${tail}`;
  }
  return `SELECT STRAIGHT_JOIN ${columns} FROM title_basics b JOIN title_genres tg ON tg.tid = b.tid AND tg.genre_id = ? ${ratingJoin} title_ratings r ON r.tid = b.tid WHERE 1 = 1${where} ${tail}`;
}

/** One page of a genre's titles (and whether there is a next page), or undefined for an unknown genre. */
export async function genreTitles(name: string, filter: GenreFilter) {
  const genre = await genreByName(name);
  if (!genre) return undefined;
  const typeRows = genre.titles < smallGenre ? undefined : await typeRangeRows(filter);
  const sql = genreTitlesSql(genre.titles, filter, typeRows);
  const params = [genre.id, ...whereClause(filter).params, filter.pageSize + 1, (filter.page - 1) * filter.pageSize];
  const [rows] = await getPool().query<RowDataPacket[]>(sql, params);
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
