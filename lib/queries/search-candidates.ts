/**
 * Which titles, people and cast lists a search's words find (search.ts ranks and reads them back): the search
 * index's lookups, a word's rows read from the front of its list, and the typo variants the index holds.
 */
import "server-only";
import type { Pool } from "mysql2/promise";
import { searchKind } from "@/lib/catalog/search-words";
import { titleFilterSql } from "./genres";
import type { SearchFilters } from "./search";
import { type Budget, bounded } from "./search-budget";
import { completionCount, likePrefix, typoVariants } from "./search-text";

/**
 * Vocabulary rows read per kind for a prefix, in word order, before the most common are picked: bounds a short
 * prefix's read (the primary key's range of its words). Past it the completions are the most common of the
 * first completionScan words in alphabetical order.
 */
const completionScan = 20_000;

/** Popularity steps (tenths of a decade of votes, popularityStep) a word as typed is worth more than its variants. */
const asTypedSteps = 10;

/** Rows of a word counted up to this many: enough to tell a rare word from a common one. */
const countCap = 10_000;

/**
 * How many rows of this kind each group's words have (each word counted up to countCap, read off the front of
 * its list in the word index): the smallest group drives the search, and a group with none ends it.
 */
async function groupSizes(pool: Pool, kind: number, groups: string[][], budget: Budget): Promise<number[]> {
  const words = [...new Set(groups.flat())];
  const counts = words.map(
    () => `SELECT COUNT(*) FROM (SELECT 1 FROM search_words WHERE word = ? AND kind = ? LIMIT ${countCap}) c`,
  );
  const rows = await bounded(
    pool,
    `SELECT ${counts.map((c, i) => `(${c}) AS n${i}`).join(", ")}`,
    words.flatMap((w) => [w, kind]),
    budget,
  );
  const byWord = new Map(words.map((w, i) => [w, Number(rows[0]?.[`n${i}`] ?? countCap)]));
  return groups.map((g) => g.reduce((sum, w) => sum + (byWord.get(w) ?? 0), 0));
}

/**
 * The ids of one kind that hold a word of every group, by popularity step, at most `limit`. The group with the
 * fewest rows drives (groupSizes): each of its words is read from the front of its list, and every other group
 * is a primary-key lookup of the same row under its words. A title filter joins the title.
 */
export async function candidateIds(
  pool: Pool,
  kind: number,
  groups: string[][],
  limit: number,
  budget: Budget,
  filters: SearchFilters = {},
): Promise<number[]> {
  if (groups.length === 0) return [];
  const sizes = await groupSizes(pool, kind, groups, budget);
  // A word held by no row of this kind: nothing can match all of them.
  if (sizes.some((n) => n === 0)) return [];
  const driver = groups[sizes.indexOf(Math.min(...sizes))] as string[];
  const others = groups.filter((g) => g !== driver);
  const where = kind === searchKind.title ? titleFilterSql(filters) : { sql: "", params: [] };
  const join = where.sql ? " JOIN title_basics b ON b.tid = w.id LEFT JOIN title_ratings r ON r.tid = w.id" : "";
  const exists = others
    .map(
      () =>
        " AND EXISTS (SELECT 1 FROM search_words x WHERE x.word IN (?) AND x.kind = w.kind AND x.popularity = w.popularity AND x.id = w.id)",
    )
    .join("");
  const parts: string[] = [];
  const params: unknown[] = [];
  for (const [i, word] of driver.entries()) {
    // The word as typed (a group's first) is worth a decade of votes more than its typo variants and completions,
    // as in the finer rank (search.ts, matchesExactly): its rows are not crowded out of the candidates by theirs.
    const asTyped = i === 0 ? asTypedSteps : 0;
    parts.push(
      `(SELECT w.id, w.popularity + ${asTyped} AS popularity FROM search_words w${join}
         WHERE w.word = ? AND w.kind = ?${exists}${where.sql}
         ORDER BY w.popularity DESC, w.id LIMIT ${limit})`,
    );
    params.push(word, kind, ...others, ...where.params);
  }
  const rows = await bounded(
    pool,
    parts.length === 1
      ? (parts[0] as string)
      : `SELECT id, MAX(popularity) AS popularity FROM (${parts.join(" UNION ALL ")}) u
          GROUP BY id ORDER BY popularity DESC, id LIMIT ${limit}`,
    params,
    budget,
  );
  return rows.map((r) => Number(r.id));
}

/** Which of these words the index holds (one lookup of each, by the primary key's first part). */
async function existingWords(pool: Pool, words: string[], budget: Budget): Promise<Set<string>> {
  if (words.length === 0) return new Set();
  const rows = await bounded(
    pool,
    "SELECT v.word FROM search_words v WHERE v.word IN (?) GROUP BY v.word",
    [words],
    budget,
  );
  return new Set(rows.map((r) => String(r.word)));
}

/**
 * Each word with the variants one typo away that the index holds (a word whose last letter is still to be typed
 * is one of them). Undefined when no word gained any.
 */
export async function typoGroups(pool: Pool, words: string[], budget: Budget) {
  const variants = typoVariants(words);
  const held = await existingWords(pool, [...new Set(variants.flat())], budget);
  const groups = words.map((w, i) => [w, ...(variants[i] ?? []).filter((v) => held.has(v))]);
  return groups.some((g) => g.length > 1) ? groups : undefined;
}

/**
 * The most common words of each kind that start with `prefix` (without the prefix itself), completionCount of
 * each: a range of search_vocabulary's primary key per kind, at most completionScan rows, ordered by how many
 * rows of the index hold the word. The title search completes with titles' words, people with names, characters
 * with cast lists' words.
 */
export async function completions(pool: Pool, prefix: string, budget: Budget): Promise<Map<number, string[]>> {
  const kinds = [searchKind.title, searchKind.person, searchKind.characters];
  const parts = kinds.map(
    (kind) =>
      `(SELECT kind, word, word_rows FROM
         (SELECT kind, word, word_rows FROM search_vocabulary
           WHERE kind = ${kind} AND word LIKE ? ESCAPE '!' AND word <> ? ORDER BY word LIMIT ${completionScan}) s
        ORDER BY word_rows DESC, word LIMIT ${completionCount})`,
  );
  const rows = await bounded(
    pool,
    `SELECT kind, word FROM (${parts.join(" UNION ALL ")}) c ORDER BY kind, word_rows DESC, word`,
    kinds.flatMap(() => [likePrefix(prefix), prefix]),
    budget,
  );
  const out = new Map<number, string[]>();
  for (const r of rows) out.set(Number(r.kind), [...(out.get(Number(r.kind)) ?? []), String(r.word)]);
  return out;
}
