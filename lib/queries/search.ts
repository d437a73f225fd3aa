/**
 * Search over the mirror (docs/search.md): titles by any word of primaryTitle, originalTitle and their akas,
 * people by name, characters by the names in title_principals.characters. The words are looked up in the search
 * index (search_words), which the engine keeps in step with every sync (lib/etl/search-index.ts): a word's rows
 * are stored most popular first, so the top of a common word's list is read from its front.
 *
 * Ranking: SQL picks candidates by every word (any order) and a coarse popularity step; the finer rank here
 * puts a title or person whose words are exactly the query's first among equals, then every word as typed, then
 * the exact popularity (numVotes; a person's known-for titles' votes) on a log scale, so that a famous title
 * beats look-alikes that match as well or better but have a hundredth of its votes. A word of five letters or
 * more may hold one typo: when the words as typed find fewer than `limit` answers, the search runs again with
 * the variants one edit away that the index holds beside each word. The last word, while it is being typed (no
 * space after it), is also completed: the most common words of each kind that start with it join its group.
 */
import "server-only";
import type { Pool, RowDataPacket } from "mysql2/promise";
import { knownForIds, searchKind } from "@/lib/catalog/search-words";
import { getPool } from "@/lib/db";
import { readThrough } from "./read-cache";
import type { Budget } from "./search-budget";
import { candidateIds, completions, typoGroups } from "./search-candidates";
import {
  bestMatch,
  characterNames,
  completionPrefix,
  imdbKey,
  matchesAll,
  matchesExactly,
  matchQuality,
  popularity,
  sameWords,
  searchWords,
  withCompletions,
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

/** How many candidates per group SQL picks before the finer ranking here picks `limit` of them. */
const candidateFactor = 3;

const titleColumns = `b.tid, b.tconst, b.primaryTitle, b.originalTitle, b.titleType, b.startYear,
  CAST(r.averageRating AS CHAR) AS averageRating, r.numVotes`;

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
  const ids = await candidateIds(pool, searchKind.title, groups, limit * candidateFactor, budget, filters);
  if (ids.length === 0) return [];
  const [rows] = await pool.query<RowDataPacket[]>(
    `SELECT ${titleColumns} FROM title_basics b LEFT JOIN title_ratings r ON r.tid = b.tid WHERE b.tid IN (?)`,
    [ids],
  );
  // The akas of titles whose own titles are not exactly the query: one of them may match better (`matched`).
  const needAkas = rows
    .filter((r) => !sameWords(r.primaryTitle, query) && !sameWords(r.originalTitle, query))
    .map((r) => Number(r.tid));
  const akas = new Map<number, string[]>();
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
    .sort((a, b) => b.score - a.score || a.title.tconst.localeCompare(b.title.tconst))
    .slice(0, limit)
    .map((s) => s.title);
}

async function searchPeople(
  pool: Pool,
  query: string,
  groups: string[][],
  limit: number,
  budget: Budget,
): Promise<SearchPerson[]> {
  const ids = await candidateIds(pool, searchKind.person, groups, limit * candidateFactor, budget);
  if (ids.length === 0) return [];
  const [rows] = await pool.query<RowDataPacket[]>(
    "SELECT n.nid, n.nconst, n.primaryName, n.birthYear, n.primaryProfession, n.knownForTitles FROM name_basics n WHERE n.nid IN (?)",
    [ids],
  );
  // A person's popularity: the votes of their known-for titles, read in one primary-key lookup for all of them.
  // (As a correlated subquery, `tid IN (<four expressions of the outer row>)` read every rating per person.)
  const known = [...new Set(rows.flatMap((r) => knownForIds(r.knownForTitles)))];
  const votes = new Map<number, number>();
  if (known.length > 0) {
    const [ratings] = await pool.query<RowDataPacket[]>("SELECT tid, numVotes FROM title_ratings WHERE tid IN (?)", [
      known,
    ]);
    for (const r of ratings) votes.set(Number(r.tid), Number(r.numVotes ?? 0));
  }
  for (const row of rows) row.votes = knownForIds(row.knownForTitles).reduce((sum, t) => sum + (votes.get(t) ?? 0), 0);
  const scored = rows
    .map((row) => {
      const name = row.primaryName === null ? null : String(row.primaryName);
      let score = popularity(row.votes);
      if (sameWords(name, query)) score += 2;
      if (matchesExactly(name, groups)) score += 1;
      return { row, score };
    })
    .sort((a, b) => b.score - a.score || Number(a.row.nid) - Number(b.row.nid))
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

/**
 * Credits whose character matches: the index holds a title's cast list as one set of words, so each credit's
 * own character names are checked here (a credit matches when one of its names holds every word).
 */
async function searchCharacters(pool: Pool, query: string, groups: string[][], limit: number, budget: Budget) {
  const ids = await candidateIds(pool, searchKind.characters, groups, limit * candidateFactor, budget);
  if (ids.length === 0) return [];
  const [rows] = await pool.query<RowDataPacket[]>(
    `SELECT p.tid, p.ordering, p.nconst, p.characters, b.tconst, b.primaryTitle, b.startYear, n.primaryName, r.numVotes
       FROM title_principals p
       JOIN title_basics b ON b.tid = p.tid
       LEFT JOIN title_ratings r ON r.tid = p.tid
       LEFT JOIN name_basics n ON n.nid = CAST(SUBSTRING(p.nconst, 3) AS UNSIGNED) AND n.nconst = p.nconst
      WHERE p.tid IN (?) AND p.characters IS NOT NULL
      ORDER BY p.tid, p.ordering`,
    [ids],
  );
  return rows
    .flatMap((row) => {
      const names = characterNames(row.characters == null ? null : String(row.characters));
      const character = bestMatch(
        names.filter((n) => matchesAll(n, groups)),
        query,
        groups,
      );
      if (character === null) return [];
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
      return [{ found, score, tid: Number(row.tid), ordering: Number(row.ordering) }];
    })
    .sort((a, b) => b.score - a.score || a.tid - b.tid || a.ordering - b.ordering)
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

/** The word being typed and its completions in each kind (completions in search-candidates.ts), if any. */
interface Completion {
  word: string | undefined;
  byKind: Map<number, string[]>;
}

async function searchOnce(
  pool: Pool,
  query: string,
  groups: string[][],
  completion: Completion,
  filters: SearchFilters,
  limit: number,
  budget: Budget,
) {
  // Each kind's group of the word being typed gains that kind's completions.
  const of = (kind: number) => withCompletions(groups, completion.word, completion.byKind.get(kind));
  const [titles, people, characters] = await Promise.all([
    searchTitles(pool, query, of(searchKind.title), filters, limit, budget),
    searchPeople(pool, query, of(searchKind.person), limit, budget),
    searchCharacters(pool, query, of(searchKind.characters), limit, budget),
  ]);
  return { titles, people, characters };
}

/**
 * Titles, people and characters for what a person typed, `limit` of each. The query is text of any kind: its
 * words are taken from it (letters and digits), so operators, quotes and wildcards are plain text. Through the
 * read cache, except an answer cut short by a statement's time limit.
 */
export async function search(
  text: string,
  limit: number,
  filters: SearchFilters = {},
  pool: Pool = getPool(),
): Promise<SearchResponse> {
  const query = text.trim();
  if (!query) return { titles: [], people: [], characters: [] };
  // A space after the last word says it is finished (no completion): part of what was asked.
  const finished = /\s$/.test(text);
  const answer = await readThrough(
    pool,
    ["search", query, finished, limit, filters],
    async () => {
      const budget: Budget = { timedOut: false };
      return { response: await searchWithin(pool, text, limit, filters, budget), complete: !budget.timedOut };
    },
    (a) => a.complete,
  );
  return answer.response;
}

async function searchWithin(
  pool: Pool,
  text: string,
  limit: number,
  filters: SearchFilters,
  budget: Budget,
): Promise<SearchResponse> {
  const none = { titles: [], people: [], characters: [] };
  const query = text.trim();
  const key = imdbKey(query);
  if (key) return byKey(pool, key);
  const words = searchWords(query);
  if (words.length === 0) return none;
  // The last word, while it is being typed (no space after it), is also a prefix of the words that complete it.
  const word = completionPrefix(text, words);
  const completion: Completion = { word, byKind: word ? await completions(pool, word, budget) : new Map() };
  const exact = await searchOnce(
    pool,
    query,
    words.map((w) => [w]),
    completion,
    filters,
    limit,
    budget,
  );
  const thin = exact.titles.length + exact.people.length + exact.characters.length < limit;
  if (!thin || budget.timedOut) return exact;
  const wider = await typoGroups(pool, words, budget);
  if (!wider || budget.timedOut) return exact;
  return searchOnce(pool, query, wider, completion, filters, limit, budget);
}
