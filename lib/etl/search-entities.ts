/**
 * What the search index holds for each title, person and cast list (search-index.ts): its words and its
 * popularity step, read from the IMDb tables for a batch of keys. The full build and the refresh both use these.
 */
import type { Pool, PoolConnection, RowDataPacket } from "mysql2/promise";
import { characterNames, indexWords, knownForIds, popularityStep } from "../catalog/search-words";

/** One entity's words with its popularity step, as rows of search_words. */
export interface EntityWords {
  id: number;
  popularity: number;
  words: Set<string>;
  /** A person's known-for titles: whose popularity steps make the person's. */
  knownFor?: number[];
}

/**
 * Which entities to read: these keys (a refresh), or the next `limit` in key order after `after` (a full build,
 * which reads ranges of the primary keys instead of long lists of them).
 */
export type EntityKeys = { ids: number[] } | { after: number; limit: number; creditsPerTitle?: number };

/** What one read found, and the last key it covered (where the next range starts; undefined when none). */
export interface EntityBatch {
  entities: EntityWords[];
  last: number | undefined;
}

/** The WHERE and ORDER of a read of `column` by keys, with its parameters. */
function keyFilter(column: string, keys: EntityKeys): { sql: string; params: unknown[] } {
  if ("ids" in keys) return { sql: `${column} IN (?)`, params: [keys.ids] };
  return { sql: `${column} > ? ORDER BY ${column} LIMIT ?`, params: [keys.after, keys.limit] };
}

const empty = (keys: EntityKeys) => "ids" in keys && keys.ids.length === 0;

/** The words and popularity of titles (title_basics and all their akas); a missing title has none. */
export async function titleWords(connection: PoolConnection | Pool, keys: EntityKeys): Promise<EntityBatch> {
  if (empty(keys)) return { entities: [], last: undefined };
  const where = keyFilter("b.tid", keys);
  const [titles] = await connection.query<RowDataPacket[]>(
    `SELECT b.tid, b.primaryTitle, b.originalTitle, r.numVotes FROM title_basics b
       LEFT JOIN title_ratings r ON r.tid = b.tid WHERE ${where.sql}`,
    where.params,
  );
  const last = titles.length > 0 ? Number(titles[titles.length - 1]?.tid) : undefined;
  if (last === undefined) return { entities: [], last };
  const [akas] = await connection.query<RowDataPacket[]>(
    "ids" in keys
      ? "SELECT tid, title FROM title_akas WHERE tid IN (?)"
      : "SELECT tid, title FROM title_akas WHERE tid > ? AND tid <= ?",
    "ids" in keys ? [keys.ids] : [keys.after, last],
  );
  const byTitle = new Map<number, EntityWords>();
  for (const t of titles) {
    const words = indexWords([t.primaryTitle, t.originalTitle]);
    byTitle.set(Number(t.tid), { id: Number(t.tid), popularity: popularityStep(t.numVotes), words });
  }
  for (const a of akas) {
    const title = byTitle.get(Number(a.tid));
    if (title) for (const w of indexWords([a.title])) title.words.add(w);
  }
  return { entities: [...byTitle.values()], last };
}

/**
 * The words and popularity of people. A person's step is the highest of their known-for titles' (the step of
 * their most voted one): it moves only when one of those titles' steps moves, which the refresh sees through
 * search_known_for.
 */
export async function personWords(connection: PoolConnection | Pool, keys: EntityKeys): Promise<EntityBatch> {
  if (empty(keys)) return { entities: [], last: undefined };
  const where = keyFilter("nid", keys);
  const [people] = await connection.query<RowDataPacket[]>(
    `SELECT nid, primaryName, knownForTitles FROM name_basics WHERE ${where.sql}`,
    where.params,
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
  const entities = people.map((p) => {
    const knownFor = knownForIds(p.knownForTitles);
    const popularity = Math.max(0, ...knownFor.map((t) => popularityStep(votes.get(t))));
    return { id: Number(p.nid), popularity, words: indexWords([p.primaryName]), knownFor };
  });
  return { entities, last: entities.at(-1)?.id };
}

/** Credits read per title on average, for a range read of cast lists by rows. */
const defaultCreditsPerTitle = 10;

/**
 * The words of the characters of titles' cast lists (title_principals.characters), at the title's popularity. A
 * range read takes rows, not titles: the last title of a full read may be cut, so it is left to the next range
 * (or, when it is the only one, read whole).
 */
export async function characterWords(connection: PoolConnection | Pool, keys: EntityKeys): Promise<EntityBatch> {
  if (empty(keys)) return { entities: [], last: undefined };
  const select = `SELECT p.tid, p.characters, r.numVotes FROM title_principals p
    LEFT JOIN title_ratings r ON r.tid = p.tid WHERE p.characters IS NOT NULL AND`;
  let rows: RowDataPacket[];
  let last: number | undefined;
  if ("ids" in keys) {
    [rows] = await connection.query<RowDataPacket[]>(`${select} p.tid IN (?)`, [keys.ids]);
    last = undefined;
  } else {
    const limit = keys.limit * (keys.creditsPerTitle ?? defaultCreditsPerTitle);
    [rows] = await connection.query<RowDataPacket[]>(`${select} p.tid > ? ORDER BY p.tid, p.ordering LIMIT ?`, [
      keys.after,
      limit,
    ]);
    last = rows.length > 0 ? Number(rows[rows.length - 1]?.tid) : undefined;
    if (rows.length === limit && last !== undefined) {
      const whole = rows.filter((r) => Number(r.tid) !== last);
      if (whole.length > 0) {
        rows = whole;
        last = Number(whole[whole.length - 1]?.tid);
      } else {
        [rows] = await connection.query<RowDataPacket[]>(`${select} p.tid = ?`, [last]);
      }
    }
  }
  const byTitle = new Map<number, EntityWords>();
  for (const r of rows) {
    const id = Number(r.tid);
    const entry = byTitle.get(id) ?? { id, popularity: popularityStep(r.numVotes), words: new Set<string>() };
    for (const w of indexWords(characterNames(String(r.characters)))) entry.words.add(w);
    byTitle.set(id, entry);
  }
  return { entities: [...byTitle.values()].filter((e) => e.words.size > 0), last };
}
