/**
 * Search over the mirror (docs/search.md): titles by any word of primaryTitle, originalTitle and their akas,
 * people by name, characters by the names in title_principals.characters. The words are found by the server's
 * FULLTEXT indexes (title_basics_search, title_akas_search, name_basics_search, title_principals_search), which
 * InnoDB keeps exact on every INSERT, UPDATE and DELETE of a sync; nothing here is rebuilt or cached.
 *
 * Ranking: a title or person whose words are exactly the query's comes first among equals; then popularity
 * (numVotes; a person's known-for titles' votes) on a log scale, so that a famous title beats look-alikes
 * that match as well or better but have a hundredth of its votes. A word of five letters or more may hold one
 * typo: when the words as typed find fewer than `limit` answers, the search runs again with each such word's
 * one-edit variants beside it (searchWords / wordGroups in search-text.ts).
 */
import "server-only";
import type { Pool, RowDataPacket } from "mysql2/promise";
import { getPool } from "@/lib/db";
import { titleFilterSql } from "./genres";
import { type Budget, bounded, serverInfo } from "./search-budget";
import {
  bestMatch,
  booleanQuery,
  characterNames,
  fold,
  imdbKey,
  matchesExactly,
  matchQuality,
  popularity,
  sameWords,
  searchWords,
  wordGroups,
} from "./search-text";

export interface SearchTitle {
  tconst: string;
  primaryTitle: string | null;
  originalTitle: string | null;
  titleType: string | null;
  startYear: number | null;
  averageRating: string | null;
  numVotes: number | null;
  /** The original title or aka whose words matched, when the primary title's did not; else null. */
  matched: string | null;
}
export interface SearchPerson {
  nconst: string;
  primaryName: string | null;
  birthYear: number | null;
  primaryProfession: string | null;
  /** The person's known-for titles that are in the mirror. */
  knownFor: { tconst: string; primaryTitle: string | null }[];
}
export interface SearchCharacter {
  /** The one name of the credit's character list that matched (`["James Bond"]` → "James Bond"). */
  character: string;
  nconst: string;
  primaryName: string | null;
  tconst: string;
  primaryTitle: string | null;
  startYear: number | null;
}
export interface SearchResponse {
  titles: SearchTitle[];
  people: SearchPerson[];
  characters: SearchCharacter[];
}
/** Filters on the titles found (the people and characters are not filtered). */
export interface SearchFilters {
  type?: string;
  yearFrom?: number;
  yearTo?: number;
  minVotes?: number;
  genre?: string;
}

/** How many candidates per group SQL ranks before the finer ranking here picks `limit` of them. */
const candidateFactor = 3;
/** A prefix match (for a query the index cannot hold, like "up") reads at most this many names in index order. */
const prefixScan = 2000;

const titleColumns = `b.tid, b.tconst, b.primaryTitle, b.originalTitle, b.titleType, b.startYear,
  CAST(r.averageRating AS CHAR) AS averageRating, r.numVotes`;

/** Title candidates whose title, original title or an aka holds every group's word, best first by SQL's rough rank. */
async function titleCandidates(
  pool: Pool,
  against: string,
  query: string,
  filters: SearchFilters,
  limit: number,
  budget: Budget,
) {
  const where = titleFilterSql(filters);
  return bounded(
    pool,
    `SELECT ${titleColumns}, m.aka
       FROM (SELECT tid, MAX(aka_equal) AS aka_equal, MAX(aka) AS aka FROM (
               SELECT tid, 0 AS aka_equal, NULL AS aka FROM title_basics
                WHERE MATCH(primaryTitle, originalTitle) AGAINST(? IN BOOLEAN MODE)
               UNION ALL
               SELECT tid, title = ? AS aka_equal, title AS aka FROM title_akas
                WHERE MATCH(title) AGAINST(? IN BOOLEAN MODE)
             ) u GROUP BY tid) m
       JOIN title_basics b ON b.tid = m.tid
       LEFT JOIN title_ratings r ON r.tid = m.tid
      WHERE 1 = 1${where.sql}
      ORDER BY (b.primaryTitle = ? OR b.originalTitle = ? OR m.aka_equal = 1) * 2
               + LOG10(COALESCE(r.numVotes, 0) + 1) DESC, b.tid
      LIMIT ?`,
    [against, query, against, ...where.params, query, query, limit],
    budget,
  );
}

/** For a query of words the index cannot hold ("up", "it"): titles named exactly so, or starting so. */
async function titlesByName(pool: Pool, query: string, filters: SearchFilters, limit: number, budget: Budget) {
  const where = titleFilterSql(filters);
  const prefix = `${query.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
  return bounded(
    pool,
    `SELECT ${titleColumns}, m.aka
       FROM (SELECT tid, MAX(aka) AS aka FROM (
               SELECT tid, NULL AS aka FROM (
                 SELECT tid FROM title_basics WHERE primaryTitle LIKE ? ORDER BY primaryTitle LIMIT ${prefixScan}) p
               UNION ALL
               SELECT tid, title AS aka FROM title_akas WHERE title = ?
             ) u GROUP BY tid) m
       JOIN title_basics b ON b.tid = m.tid
       LEFT JOIN title_ratings r ON r.tid = m.tid
      WHERE 1 = 1${where.sql}
      ORDER BY (b.primaryTitle = ? OR m.aka IS NOT NULL) * 2 + LOG10(COALESCE(r.numVotes, 0) + 1) DESC, b.tid
      LIMIT ?`,
    [prefix, query, ...where.params, query, limit],
    budget,
  );
}

function toTitle(row: RowDataPacket, query: string, groups: string[][], akas: Map<number, string[]>): SearchTitle {
  const primaryTitle = row.primaryTitle === null ? null : String(row.primaryTitle);
  const originalTitle = row.originalTitle === null ? null : String(row.originalTitle);
  let matched: string | null = null;
  if (groups.length > 0) {
    const own = Math.max(matchQuality(primaryTitle, query, groups), matchQuality(originalTitle, query, groups));
    const others = [originalTitle, ...(akas.get(Number(row.tid)) ?? [])];
    const best = bestMatch(others, query, groups);
    // The primary title when it matches as well as any other; else the original title or aka that matches best.
    if (best !== null && matchQuality(best, query, groups) > matchQuality(primaryTitle, query, groups)) matched = best;
    else if (own < 0) matched = best;
  } else if (groups.length === 0 && row.aka != null && fold(String(row.aka)) !== fold(primaryTitle ?? "")) {
    matched = String(row.aka);
  }
  return {
    tconst: String(row.tconst),
    primaryTitle,
    originalTitle,
    titleType: row.titleType === null ? null : String(row.titleType),
    startYear: row.startYear === null ? null : Number(row.startYear),
    averageRating: row.averageRating === null ? null : String(row.averageRating),
    numVotes: row.numVotes === null ? null : Number(row.numVotes),
    matched,
  };
}

/** The finer rank: the same words as the query, then every word as typed (no typo), then popularity. */
function titleScore(title: SearchTitle, query: string, groups: string[][]): number {
  const texts = [title.primaryTitle, title.originalTitle, title.matched];
  let score = popularity(title.numVotes);
  if (texts.some((t) => sameWords(t, query))) score += 2;
  if (groups.length > 0 && texts.some((t) => matchesExactly(t, groups))) score += 1;
  return score;
}

async function searchTitles(
  pool: Pool,
  query: string,
  groups: string[][],
  filters: SearchFilters,
  limit: number,
  budget: Budget,
): Promise<SearchTitle[]> {
  const candidates = limit * candidateFactor;
  const rows =
    groups.length > 0
      ? await titleCandidates(pool, booleanQuery(groups), query, filters, candidates, budget)
      : await titlesByName(pool, query, filters, candidates, budget);
  const akas = new Map<number, string[]>();
  const needAkas = groups.length > 0 ? rows.filter((r) => r.aka != null).map((r) => Number(r.tid)) : [];
  if (needAkas.length > 0) {
    const [akaRows] = await pool.query<RowDataPacket[]>(
      "SELECT tid, title FROM title_akas WHERE tid IN (?) ORDER BY tid, ordering",
      [needAkas],
    );
    for (const a of akaRows) {
      const list = akas.get(Number(a.tid)) ?? [];
      list.push(String(a.title ?? ""));
      akas.set(Number(a.tid), list);
    }
  }
  return rows
    .map((row) => toTitle(row, query, groups, akas))
    .map((title) => ({ title, score: titleScore(title, query, groups) }))
    .sort((a, b) => b.score - a.score)
    .slice(0, limit)
    .map((s) => s.title);
}

/** A person's popularity: the votes of their known-for titles (at most four primary-key lookups). */
const knownForVotes = (alias: string) => {
  const nth = (n: number) =>
    `CAST(SUBSTRING(SUBSTRING_INDEX(SUBSTRING_INDEX(${alias}.knownForTitles, ',', ${n}), ',', -1), 3) AS UNSIGNED)`;
  return `(SELECT COALESCE(SUM(kr.numVotes), 0) FROM title_ratings kr WHERE kr.tid IN (${[1, 2, 3, 4].map(nth).join(", ")}))`;
};

async function searchPeople(
  pool: Pool,
  query: string,
  groups: string[][],
  limit: number,
  budget: Budget,
): Promise<SearchPerson[]> {
  const prefix = `${query.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
  const source =
    groups.length > 0
      ? "SELECT nid FROM name_basics WHERE MATCH(primaryName) AGAINST(? IN BOOLEAN MODE)"
      : `SELECT nid FROM name_basics WHERE primaryName LIKE ? ORDER BY primaryName LIMIT ${prefixScan}`;
  const rows = await bounded(
    pool,
    `SELECT n.nid, n.nconst, n.primaryName, n.birthYear, n.primaryProfession, n.knownForTitles, ${knownForVotes("n")} AS votes
       FROM (${source}) m JOIN name_basics n ON n.nid = m.nid
      ORDER BY (n.primaryName = ?) * 2 + LOG10(votes + 1) DESC, n.nid
      LIMIT ?`,
    [groups.length > 0 ? booleanQuery(groups) : prefix, query, limit * candidateFactor],
    budget,
  );
  const scored = rows
    .map((row) => {
      const name = row.primaryName === null ? null : String(row.primaryName);
      let score = popularity(row.votes);
      if (sameWords(name, query)) score += 2;
      if (groups.length > 0 && matchesExactly(name, groups)) score += 1;
      return { row, score };
    })
    .sort((a, b) => b.score - a.score)
    .slice(0, limit)
    .map((s) => s.row);
  const knownIds = [
    ...new Set(
      scored.flatMap((r) =>
        String(r.knownForTitles ?? "")
          .split(",")
          .filter(Boolean),
      ),
    ),
  ]
    .map((k) => Number(k.slice(2)))
    .filter((n) => Number.isInteger(n) && n > 0);
  const titles = new Map<string, string | null>();
  if (knownIds.length > 0) {
    const [titleRows] = await pool.query<RowDataPacket[]>(
      "SELECT tconst, primaryTitle FROM title_basics WHERE tid IN (?)",
      [knownIds],
    );
    for (const t of titleRows) titles.set(String(t.tconst), t.primaryTitle === null ? null : String(t.primaryTitle));
  }
  return scored.map((row) => ({
    nconst: String(row.nconst),
    primaryName: row.primaryName === null ? null : String(row.primaryName),
    birthYear: row.birthYear === null ? null : Number(row.birthYear),
    primaryProfession: row.primaryProfession === null ? null : String(row.primaryProfession),
    knownFor: String(row.knownForTitles ?? "")
      .split(",")
      .filter((k) => titles.has(k))
      .map((tconst) => ({ tconst, primaryTitle: titles.get(tconst) ?? null })),
  }));
}

async function searchCharacters(pool: Pool, query: string, groups: string[][], limit: number, budget: Budget) {
  if (groups.length === 0) return [];
  const rows = await bounded(
    pool,
    `SELECT p.tid, p.nconst, p.characters, b.tconst, b.primaryTitle, b.startYear, n.primaryName, r.numVotes
       FROM title_principals p
       JOIN title_basics b ON b.tid = p.tid
       LEFT JOIN title_ratings r ON r.tid = p.tid
       LEFT JOIN name_basics n ON n.nid = CAST(SUBSTRING(p.nconst, 3) AS UNSIGNED)
      WHERE MATCH(p.characters) AGAINST(? IN BOOLEAN MODE)
      ORDER BY LOG10(COALESCE(r.numVotes, 0) + 1) DESC, p.tid, p.ordering
      LIMIT ?`,
    [booleanQuery(groups), limit * candidateFactor],
    budget,
  );
  return rows
    .map((row) => {
      const names = characterNames(row.characters == null ? null : String(row.characters));
      const character = bestMatch(names, query, groups) ?? names[0] ?? "";
      let score = popularity(row.numVotes);
      if (sameWords(character, query)) score += 2;
      if (matchesExactly(character, groups)) score += 1;
      const found: SearchCharacter = {
        character,
        nconst: String(row.nconst),
        primaryName: row.primaryName == null ? null : String(row.primaryName),
        tconst: String(row.tconst),
        primaryTitle: row.primaryTitle == null ? null : String(row.primaryTitle),
        startYear: row.startYear == null ? null : Number(row.startYear),
      };
      return { found, score };
    })
    .sort((a, b) => b.score - a.score)
    .slice(0, limit)
    .map((s) => s.found);
}

/** The one title or person with the key typed (tt… / nm…), in the same shape as a search's answer. */
async function byKey(pool: Pool, key: { kind: "tt" | "nm"; id: number }): Promise<SearchResponse> {
  if (key.kind === "tt") {
    const [rows] = await pool.query<RowDataPacket[]>(
      `SELECT ${titleColumns}, NULL AS aka FROM title_basics b LEFT JOIN title_ratings r ON r.tid = b.tid WHERE b.tid = ?`,
      [key.id],
    );
    return { titles: rows.map((r) => toTitle(r, "", [], new Map())), people: [], characters: [] };
  }
  const [rows] = await pool.query<RowDataPacket[]>(
    `SELECT n.nid, n.nconst, n.primaryName, n.birthYear, n.primaryProfession, n.knownForTitles
       FROM name_basics n WHERE n.nid = ?`,
    [key.id],
  );
  const people = rows.map((row) => ({
    nconst: String(row.nconst),
    primaryName: row.primaryName === null ? null : String(row.primaryName),
    birthYear: row.birthYear === null ? null : Number(row.birthYear),
    primaryProfession: row.primaryProfession === null ? null : String(row.primaryProfession),
    knownFor: [],
  }));
  return { titles: [], people, characters: [] };
}

async function searchOnce(
  pool: Pool,
  query: string,
  groups: string[][],
  filters: SearchFilters,
  limit: number,
  budget: Budget,
) {
  const [titles, people, characters] = await Promise.all([
    searchTitles(pool, query, groups, filters, limit, budget),
    searchPeople(pool, query, groups, limit, budget),
    searchCharacters(pool, query, groups, limit, budget),
  ]);
  return { titles, people, characters };
}

/**
 * Titles, people and characters for what a person typed, `limit` of each. The query is text of any kind: its
 * words are taken from it (letters and digits), so full-text operators, quotes and wildcards are plain text.
 */
export async function search(
  text: string,
  limit: number,
  filters: SearchFilters = {},
  pool: Pool = getPool(),
): Promise<SearchResponse> {
  const query = text.trim();
  if (!query) return { titles: [], people: [], characters: [] };
  const key = imdbKey(query);
  if (key) return byKey(pool, key);
  const { bounds } = await serverInfo(pool);
  const { indexed, other } = searchWords(query, bounds);
  if (indexed.length === 0 && other.length === 0) return { titles: [], people: [], characters: [] };
  const budget: Budget = { timedOut: false };
  const exact = await searchOnce(pool, query, wordGroups(indexed, false, bounds), filters, limit, budget);
  const thin = exact.titles.length + exact.people.length + exact.characters.length < limit;
  const typos = wordGroups(indexed, true, bounds);
  if (!thin || budget.timedOut || typos.every((g) => g.length === 1)) return exact;
  return searchOnce(pool, query, typos, filters, limit, budget);
}
