/**
 * The words of a search, as the search index (search_words, docs/search.md) holds them: pure functions, no
 * database. A query becomes groups of words that must all be present (word order and case do not matter);
 * each group is one typed word, and, when a search finds too little, its one-typo variants beside it. Only letters and digits are words: nothing else a person types
 * reaches SQL as anything but a bound value.
 */
import { characterNames, fold, maxWordLength, wordsOf } from "../catalog/search-words";

export { characterNames, fold, wordsOf };

/** A word of five letters or more may hold one typo (an edit) and still be found. */
export const typoMinLength = 5;

/** At most this many words of a query are looked up (each is a lookup per candidate). */
export const maxQueryWords = 8;

/** The last word typed is completed when it has at least this many letters: one letter matches too much to help. */
export const completionMinLength = 2;

/** How many completions of the last word join its group, the most common first. */
export const completionCount = 6;

/**
 * The word still being typed: the text's last word, when the text ends in it (no space or punctuation after it)
 * and it has completionMinLength letters or more, and it is one of the words searched for. Else undefined.
 */
export function completionPrefix(text: string, words: string[]): string | undefined {
  if (!/[\p{L}\p{N}]$/u.test(text)) return undefined;
  const last = wordsOf(text).at(-1);
  if (last === undefined || [...last].length < completionMinLength || !words.includes(last)) return undefined;
  return last;
}

/**
 * A LIKE pattern (with `ESCAPE '!'`) for the words that start with `prefix`: its `%`, `_` and `!` escaped. Not a
 * backslash: whether it escapes in SQL depends on the server's sql_mode.
 */
export function likePrefix(prefix: string): string {
  return `${prefix.replace(/[!%_]/g, "!$&")}%`;
}

/** The groups with `extra` words added to the group of `word` (its completions), each word once. */
export function withCompletions(groups: string[][], word: string | undefined, extra: string[] | undefined): string[][] {
  if (word === undefined || !extra?.length) return groups;
  return groups.map((g) => (g[0] === word ? [...g, ...extra.filter((w) => !g.includes(w))] : g));
}

/** The distinct words of a query, at most maxQueryWords of them. */
export function searchWords(query: string): string[] {
  return [...new Set(wordsOf(query))].slice(0, maxQueryWords);
}

const alphabet = "abcdefghijklmnopqrstuvwxyz0123456789";

/**
 * Every word one edit away (a letter deleted, inserted, replaced, or two neighbours swapped), of at least
 * `minLength` letters and at most the index's word length, without the word itself. For an eight-letter word
 * about 620 words, most of which exist nowhere: one lookup finds the few that do (existingWords in search-candidates.ts).
 */
export function oneEditVariants(word: string, minLength = 1): string[] {
  const letters = [...word];
  const out = new Set<string>();
  const n = letters.length;
  for (let i = 0; i <= n; i++) {
    const head = letters.slice(0, i).join("");
    const tail = letters.slice(i).join("");
    const rest = letters.slice(i + 1).join("");
    if (i < n) out.add(head + rest);
    if (i < n - 1) out.add(head + letters[i + 1] + letters[i] + letters.slice(i + 2).join(""));
    for (const c of alphabet) {
      out.add(head + c + tail);
      if (i < n) out.add(head + c + rest);
    }
  }
  out.delete(word);
  return [...out].filter((w) => [...w].length >= minLength && [...w].length <= maxWordLength);
}

/** The typo candidates of each word of a query: its one-edit variants when it is long enough, else none. */
export function typoVariants(words: string[]): string[][] {
  return words.map((word) => ([...word].length >= typoMinLength ? oneEditVariants(word) : []));
}

/** Whether a text holds a word of every group. */
export function matchesAll(text: string | null | undefined, groups: string[][]): boolean {
  if (groups.length === 0) return false;
  const words = new Set(wordsOf(text));
  return groups.every((g) => g.some((w) => words.has(w)));
}

/** Whether a text holds every typed word as typed (no typo variant needed). */
export function matchesExactly(text: string | null | undefined, groups: string[][]): boolean {
  return matchesAll(
    text,
    groups.map((g) => g.slice(0, 1)),
  );
}

/** The same words, in any order, with nothing else: "godfather the" is "The Godfather". */
export function sameWords(text: string | null | undefined, query: string): boolean {
  const a = wordsOf(text).sort().join(" ");
  return a !== "" && a === wordsOf(query).sort().join(" ");
}

/** An IMDb key typed as such: `tt0068646` / `nm0000199` (any case, around spaces). */
export function imdbKey(query: string): { kind: "tt" | "nm"; id: number } | undefined {
  const match = /^(tt|nm)(\d{1,10})$/i.exec(query.trim());
  if (!match?.[1] || !match[2]) return undefined;
  return { kind: match[1].toLowerCase() as "tt" | "nm", id: Number(match[2]) };
}

/** Whether a query has anything to search for: a key, or a letter or digit. */
export function hasSearchWords(text: string): boolean {
  return imdbKey(text) !== undefined || wordsOf(text).length > 0;
}

/** A title's or person's popularity on a log scale, so that a hundredth of the votes is 2 points down, not nothing. */
export const popularity = (votes: unknown) => Math.log10(Number(votes ?? 0) + 1);

/** How well a text matches: the query's words and no other (3), all of them (2), every word as typed (1), with typos (0). */
export function matchQuality(text: string | null, query: string, groups: string[][]): number {
  if (!matchesAll(text, groups)) return -1;
  if (sameWords(text, query)) return 3;
  const words = new Set(wordsOf(text));
  if (wordsOf(query).every((w) => words.has(w))) return 2;
  return matchesExactly(text, groups) ? 1 : 0;
}

/** The best of the texts that match (the first of equals), or null. */
export function bestMatch(texts: (string | null)[], query: string, groups: string[][]): string | null {
  let best: string | null = null;
  let quality = -1;
  for (const text of texts) {
    const q = matchQuality(text, query, groups);
    if (q > quality) [best, quality] = [text, q];
  }
  return best;
}
