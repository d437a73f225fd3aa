/**
 * The words of a search, as the server's FULLTEXT indexes see them (docs/search.md): pure functions, no
 * database. A query becomes groups of words that must all be present (word order and case do not matter);
 * each group is one typed word, and, when a search finds too little, its one-typo variants beside it.
 * Nothing a person types reaches the boolean full-text syntax as an operator: only letters and digits do.
 */

/**
 * InnoDB's default stopwords (information_schema.INNODB_FT_DEFAULT_STOPWORD): not in the index, so a
 * required one (`+the`) would make every search fail. They are left out of what must match.
 */
export const innodbStopwords: ReadonlySet<string> = new Set(
  "a about an are as at be by com de en for from how i in is it la of on or that the this to was what when where who will with und www".split(
    " ",
  ),
);

/** InnoDB's defaults (innodb_ft_min_token_size, innodb_ft_max_token_size); the server's own are read at run time. */
export interface TokenBounds {
  min: number;
  max: number;
}
export const defaultTokenBounds: TokenBounds = { min: 3, max: 84 };

/** A word of five letters or more may hold one typo (an edit) and still be found. */
export const typoMinLength = 5;

/** Lower case without accents: "Amélie" → "amelie" (the server's collation compares them equal anyway). */
export function fold(text: string): string {
  return text
    .normalize("NFKD")
    .replace(/\p{M}+/gu, "")
    .toLowerCase();
}

/** The words of a text as the full-text parser splits them: runs of letters and digits, folded (`_` too separates words here, so it never reaches the index as part of a term). */
export function wordsOf(text: string | null | undefined): string[] {
  if (!text) return [];
  return fold(text).match(/[\p{L}\p{N}]+/gu) ?? [];
}

export interface SearchWords {
  /** Words the index holds (long enough, not a stopword): every one must match. */
  indexed: string[];
  /** Words the index cannot hold (stopwords, short words): used for ranking (an exact title), not matching. */
  other: string[];
}

/** Splits a query into the words that must match and the ones the index does not hold. */
export function searchWords(query: string, bounds: TokenBounds = defaultTokenBounds): SearchWords {
  const indexed: string[] = [];
  const other: string[] = [];
  for (const word of new Set(wordsOf(query))) {
    const length = [...word].length;
    if (length > bounds.max) continue;
    if (length < bounds.min || innodbStopwords.has(word)) other.push(word);
    else indexed.push(word);
  }
  return { indexed, other };
}

const alphabet = "abcdefghijklmnopqrstuvwxyz0123456789";

/**
 * Every word one edit away (a letter deleted, inserted, replaced, or two neighbours swapped), of at least
 * `minLength` letters, without the word itself. For an eight-letter word about 620 words, most of which exist
 * nowhere: the index answers them as misses.
 */
export function oneEditVariants(word: string, minLength = defaultTokenBounds.min): string[] {
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
  return [...out].filter((w) => [...w].length >= minLength);
}

/** The groups of one search: each typed word, with its one-edit variants when `typos` and it is long enough. */
export function wordGroups(indexed: string[], typos: boolean, bounds: TokenBounds = defaultTokenBounds): string[][] {
  return indexed.map((word) =>
    typos && [...word].length >= typoMinLength ? [word, ...oneEditVariants(word, bounds.min)] : [word],
  );
}

/** The boolean-mode query: every group required, any word of a group will do (`+(a b c) +d`). */
export function booleanQuery(groups: string[][]): string {
  return groups.map((g) => (g.length === 1 ? `+${g[0]}` : `+(${g.join(" ")})`)).join(" ");
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

/** The characters of a principal as IMDb lists them (`["James Bond","Narrator"]`), or the text itself. */
export function characterNames(characters: string | null | undefined): string[] {
  if (!characters) return [];
  try {
    const parsed: unknown = JSON.parse(characters);
    if (Array.isArray(parsed)) return parsed.map(String);
  } catch {
    // not JSON: the text as it is
  }
  return [characters];
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
