/**
 * What the search index holds for each title, person and cast list (search-index.ts): its words and its
 * popularity step, read from the IMDb tables for a batch of keys. The full build and the refresh both use these.
 */
import type { Pool, PoolConnection, RowDataPacket } from "mysql2/promise";
import { characterNames, indexWords, popularityStep } from "../catalog/search-words";

/** The title numbers of a known-for list (`tt0068646,tt0071562`), as they are kept in search_known_for. */
export function knownForIds(list: string | null | undefined): number[] {
  const ids = new Set<number>();
  for (const key of String(list ?? "").split(",")) {
    const match = /^tt(\d{1,9})$/.exec(key.trim());
    if (match) ids.add(Number(match[1]));
  }
  return [...ids];
}

/** One entity's words with its popularity step, as rows of search_words. */
export interface EntityWords {
  id: number;
  popularity: number;
  words: Set<string>;
  /** A person's known-for titles: whose popularity steps make the person's. */
  knownFor?: number[];
}

/** The words and popularity of titles (title_basics and all their akas), by tid; a missing title has none. */
export async function titleWords(connection: PoolConnection | Pool, ids: number[]): Promise<EntityWords[]> {
  if (ids.length === 0) return [];
  const [titles] = await connection.query<RowDataPacket[]>(
    `SELECT b.tid, b.primaryTitle, b.originalTitle, r.numVotes FROM title_basics b
       LEFT JOIN title_ratings r ON r.tid = b.tid WHERE b.tid IN (?)`,
    [ids],
  );
  const [akas] = await connection.query<RowDataPacket[]>("SELECT tid, title FROM title_akas WHERE tid IN (?)", [ids]);
  const byTitle = new Map<number, EntityWords>();
  for (const t of titles) {
    const words = indexWords([t.primaryTitle, t.originalTitle]);
    byTitle.set(Number(t.tid), { id: Number(t.tid), popularity: popularityStep(t.numVotes), words });
  }
  for (const a of akas) {
    const title = byTitle.get(Number(a.tid));
    if (title) for (const w of indexWords([a.title])) title.words.add(w);
  }
  return [...byTitle.values()];
}

/**
 * The words and popularity of people, by nid. A person's step is the highest of their known-for titles' (the
 * step of their most voted one): it moves only when one of those titles' steps moves, which the refresh sees
 * through search_known_for.
 */
export async function personWords(connection: PoolConnection | Pool, ids: number[]): Promise<EntityWords[]> {
  if (ids.length === 0) return [];
  const [people] = await connection.query<RowDataPacket[]>(
    "SELECT nid, primaryName, knownForTitles FROM name_basics WHERE nid IN (?)",
    [ids],
  );
  const known = [...new Set(people.flatMap((p) => knownForIds(p.knownForTitles)))];
  const votes = new Map<number, number>();
  if (known.length > 0) {
    const [ratings] = await connection.query<RowDataPacket[]>(
      "SELECT tid, numVotes FROM title_ratings WHERE tid IN (?)",
      [known],
    );
    for (const r of ratings) votes.set(Number(r.tid), Number(r.numVotes ?? 0));
  }
  return people.map((p) => {
    const knownFor = knownForIds(p.knownForTitles);
    const popularity = Math.max(0, ...knownFor.map((t) => popularityStep(votes.get(t))));
    return { id: Number(p.nid), popularity, words: indexWords([p.primaryName]), knownFor };
  });
}

/** The words of the characters of titles' cast lists (title_principals.characters), by tid, at the title's popularity. */
export async function characterWords(connection: PoolConnection | Pool, ids: number[]): Promise<EntityWords[]> {
  if (ids.length === 0) return [];
  const [rows] = await connection.query<RowDataPacket[]>(
    `SELECT p.tid, p.characters, r.numVotes FROM title_principals p LEFT JOIN title_ratings r ON r.tid = p.tid
      WHERE p.tid IN (?) AND p.characters IS NOT NULL`,
    [ids],
  );
  const byTitle = new Map<number, EntityWords>();
  for (const r of rows) {
    const id = Number(r.tid);
    const entry = byTitle.get(id) ?? { id, popularity: popularityStep(r.numVotes), words: new Set<string>() };
    for (const w of indexWords(characterNames(String(r.characters)))) entry.words.add(w);
    byTitle.set(id, entry);
  }
  return [...byTitle.values()].filter((e) => e.words.size > 0);
}
