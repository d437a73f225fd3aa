/**
 * A title with everything the datasets say about it, and a person and their titles (search: search.ts).
 * Lookups go through the numeric keys (tid, nid), the primary keys: one index descent, where the indexed
 * text keys (generated columns) would take two.
 */
import "server-only";
import type { RowDataPacket } from "mysql2";
import { parseKey } from "@/lib/catalog/datasets";
import { getPool } from "@/lib/db";
import { readThrough } from "./read-cache";

/** tt0000001 → 1; undefined for anything that is not a key with that prefix. */
function keyNumber(key: string, prefix: "tt" | "nm"): number | undefined {
  const parsed = parseKey(key);
  return parsed?.prefix === prefix ? parsed.number : undefined;
}

async function query(sql: string, params: unknown[]): Promise<RowDataPacket[]> {
  const [rows] = await getPool().query<RowDataPacket[]>(sql, params);
  return rows;
}

/** Names for a list of nconst keys, in one primary-key lookup. */
async function namesOf(nconsts: string[]): Promise<Map<string, string>> {
  const ids = [...new Set(nconsts.map((n) => keyNumber(n, "nm")).filter((n) => n !== undefined))];
  if (ids.length === 0) return new Map();
  const rows = await query("SELECT nconst, primaryName FROM name_basics WHERE nid IN (?)", [ids]);
  return new Map(rows.map((r) => [String(r.nconst), String(r.primaryName ?? r.nconst)]));
}

function splitKeys(list: unknown): string[] {
  return typeof list === "string" && list ? list.split(",") : [];
}

/**
 * Rows per page of a person's credits and a series' episodes. At IMDb some people have thousands of credits and
 * some series thousands of episodes: a page of them all was hundreds of KB of HTML.
 */
export const rowsPerPage = 100;
/** Directors and writers named on a title page; the rest are counted ("and 250 more"). */
export const crewShown = 50;

/** A page number from a URL parameter: a whole number from 1, else 1. */
export function pageNumber(value: string | string[] | undefined): number {
  const n = typeof value === "string" && /^\d{1,6}$/.test(value) ? Number(value) : 1;
  return Math.max(1, n);
}

/** A title with its genres, akas, crew, principals by name and a page of its episodes (through the read cache). */
export function titleDetail(tconst: string, episodePage = 1) {
  return readThrough(getPool(), ["titleDetail", tconst, episodePage], () => readTitleDetail(tconst, episodePage));
}

async function readTitleDetail(tconst: string, episodePage: number) {
  const tid = keyNumber(tconst, "tt");
  if (tid === undefined) return undefined;
  const [basics] = await query(
    `SELECT b.tconst, b.titleType, b.primaryTitle, b.originalTitle, b.isAdult, b.startYear, b.endYear,
            b.runtimeMinutes, CAST(r.averageRating AS CHAR) AS averageRating, r.numVotes
       FROM title_basics b LEFT JOIN title_ratings r ON r.tid = b.tid WHERE b.tid = ?`,
    [tid],
  );
  if (!basics) return undefined;
  const [genres, akas, crew, principals, episodes, parent, episodeCount] = await Promise.all([
    query(
      "SELECT g.genre_name AS name FROM title_genres tg JOIN genres g ON g.genre_id = tg.genre_id WHERE tg.tid = ? ORDER BY g.genre_name",
      [tid],
    ),
    query(
      "SELECT ordering, title, region, language, types, attributes, isOriginalTitle FROM title_akas WHERE tid = ? ORDER BY ordering LIMIT 200",
      [tid],
    ),
    query("SELECT directors, writers FROM title_crew WHERE tid = ?", [tid]),
    query("SELECT ordering, nconst, category, job, characters FROM title_principals WHERE tid = ? ORDER BY ordering", [
      tid,
    ]),
    query(
      `SELECT e.tconst, e.seasonNumber, e.episodeNumber, b.primaryTitle, b.startYear
         FROM title_episode e LEFT JOIN title_basics b ON b.tid = e.tid
        WHERE e.parentTconst = ? ORDER BY e.seasonNumber IS NULL, e.seasonNumber, e.episodeNumber, e.tid
        LIMIT ${rowsPerPage} OFFSET ${(episodePage - 1) * rowsPerPage}`,
      [tconst],
    ),
    query(
      `SELECT e.parentTconst, e.seasonNumber, e.episodeNumber, b.primaryTitle
         FROM title_episode e LEFT JOIN title_basics b ON b.tid = CAST(SUBSTRING(e.parentTconst, 3) AS UNSIGNED)
        WHERE e.tid = ?`,
      [tid],
    ),
    query("SELECT COUNT(*) AS n FROM title_episode WHERE parentTconst = ?", [tconst]),
  ]);
  const directors = splitKeys(crew[0]?.directors);
  const writers = splitKeys(crew[0]?.writers);
  const names = await namesOf([
    ...directors.slice(0, crewShown),
    ...writers.slice(0, crewShown),
    ...principals.map((p) => String(p.nconst)),
  ]);
  const person = (nconst: string) => ({ nconst, name: names.get(nconst) ?? nconst });
  return {
    basics,
    genres: genres.map((g) => String(g.name)),
    akas,
    directors: { shown: directors.slice(0, crewShown).map(person), total: directors.length },
    writers: { shown: writers.slice(0, crewShown).map(person), total: writers.length },
    principals: principals.map((p) => ({
      ordering: Number(p.ordering),
      nconst: String(p.nconst),
      name: names.get(String(p.nconst)) ?? String(p.nconst),
      category: p.category as string | null,
      job: p.job as string | null,
      characters: p.characters as string | null,
    })),
    episodes: { rows: episodes, total: Number(episodeCount[0]?.n ?? 0), page: episodePage },
    parent: parent[0],
  };
}

/** A person and a page of their credits (through the read cache). */
export function nameDetail(nconst: string, page = 1) {
  return readThrough(getPool(), ["nameDetail", nconst, page], () => readNameDetail(nconst, page));
}

async function readNameDetail(nconst: string, page: number) {
  const nid = keyNumber(nconst, "nm");
  if (nid === undefined) return undefined;
  const [person] = await query(
    "SELECT nconst, primaryName, birthYear, deathYear, primaryProfession, knownForTitles FROM name_basics WHERE nid = ?",
    [nid],
  );
  if (!person) return undefined;
  const [credits, counted] = await Promise.all([
    query(
      `SELECT p.tconst, p.category, p.characters, b.primaryTitle, b.startYear, b.titleType
         FROM title_principals p LEFT JOIN title_basics b ON b.tid = p.tid
        WHERE p.nconst = ? ORDER BY b.startYear IS NULL, b.startYear DESC, p.tid, p.ordering
        LIMIT ${rowsPerPage} OFFSET ${(page - 1) * rowsPerPage}`,
      [nconst],
    ),
    query("SELECT COUNT(*) AS n FROM title_principals WHERE nconst = ?", [nconst]),
  ]);
  return { person, credits, total: Number(counted[0]?.n ?? 0), page };
}
