/**
 * The words of the search index (docs/search.md), as the engine writes them into `search_words` and as a query
 * is split to look them up: pure functions shared by both sides, so a word is always folded the same way.
 */

/** What a row of `search_words` stands for: a title (its titles and akas), a person, a title's characters. */
export const searchKind = { title: 1, person: 2, characters: 3 } as const;
export type SearchKind = (typeof searchKind)[keyof typeof searchKind];

/** Longer words are cut to this many characters (a run of CJK text has no spaces): the column's width. */
export const maxWordLength = 40;

/** Letters that NFKD leaves whole but people type without their stroke or as two letters (escaped: the CLI bundle is ASCII). */
const extraFolds: Record<string, string> = {
  "\u00df": "ss", // sharp s
  "\u00e6": "ae",
  "\u0153": "oe",
  "\u00f8": "o", // o with stroke
  "\u0111": "d", // d with stroke
  "\u00f0": "d", // eth
  "\u0142": "l", // l with stroke
  "\u00fe": "th", // thorn
  "\u0131": "i", // dotless i
};
const extraFoldPattern = /[\u00df\u00e6\u0153\u00f8\u0111\u00f0\u0142\u00fe\u0131]/g;

/** Lower case without accents: "Amélie" → "amelie", "Søren" → "soren", "Straße" → "strasse". */
export function fold(text: string): string {
  // Most titles and names are printable ASCII: lower case is all they need, and NFKD is the costly part.
  if (!/[^ -~]/.test(text)) return text.toLowerCase();
  return text
    .toLowerCase()
    .normalize("NFKD")
    .replace(/\p{M}+/gu, "")
    .replace(extraFoldPattern, (c) => extraFolds[c] ?? c);
}

/** The words of a text: runs of letters and digits, folded, each cut to maxWordLength characters. */
export function wordsOf(text: string | null | undefined): string[] {
  if (!text) return [];
  const words = fold(text).match(/[\p{L}\p{N}]+/gu) ?? [];
  return words.map((w) => (w.length > maxWordLength ? [...w].slice(0, maxWordLength).join("") : w));
}

/** The distinct words of several texts (a title's primary and original titles and all its akas). */
export function indexWords(texts: Iterable<string | null | undefined>): Set<string> {
  const out = new Set<string>();
  for (const text of texts) for (const word of wordsOf(text)) out.add(word);
  return out;
}

/**
 * Popularity on a log scale in tenths of a decade (0 for no votes, 10 for 9, 20 for 99, 61 for 1.4 M): the
 * order in which a word's rows are stored. Coarse on purpose: a day's new votes move few titles across a step,
 * so few rows are rewritten; within a step the search ranks by the exact votes.
 */
export function popularityStep(votes: number | null | undefined): number {
  const v = Number(votes ?? 0);
  return v > 0 ? Math.min(255, Math.round(Math.log10(v + 1) * 10)) : 0;
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

/** The title numbers of a known-for list (`tt0068646,tt0071562`), as they are kept in search_known_for. */
export function knownForIds(list: string | null | undefined): number[] {
  const ids = new Set<number>();
  for (const key of String(list ?? "").split(",")) {
    const match = /^tt(\d{1,9})$/.exec(key.trim());
    if (match) ids.add(Number(match[1]));
  }
  return [...ids];
}
