/**
 * The bench's five typical searches, made from the picked title (the most voted one with principals): its
 * title as typed, one of its akas, the name of one of its people, a character they played, and the title's
 * longest word with one typo (a letter dropped), as people type them: lower case, no accents needed.
 */
import type mysql from "mysql2/promise";

export interface TypicalSearch {
  page: string;
  q: string;
}

/** The longest word of five letters or more with its second letter dropped ("carmencita" → "crmencita"). */
export function withTypo(text: string): string | undefined {
  const words = (text.match(/[\p{L}\p{N}]+/gu) ?? []).filter((w) => [...w].length >= 5);
  const longest = words.sort((a, b) => [...b].length - [...a].length)[0];
  if (!longest) return undefined;
  const letters = [...longest];
  return ((letters[0] ?? "") + letters.slice(2).join("")).toLowerCase();
}

const first = (rows: unknown) => (rows as Record<string, unknown>[])[0];

export async function typicalSearches(c: mysql.Connection, db: string, tconst: string): Promise<TypicalSearch[]> {
  const tid = Number(tconst.slice(2));
  const [titles] = await c.query(`SELECT primaryTitle FROM \`${db}\`.title_basics WHERE tid = ?`, [tid]);
  const [akas] = await c.query(
    `SELECT title FROM \`${db}\`.title_akas WHERE tid = ? AND title IS NOT NULL ORDER BY LENGTH(title) DESC LIMIT 1`,
    [tid],
  );
  const [credits] = await c.query(
    `SELECT n.primaryName, p.characters FROM \`${db}\`.title_principals p
       JOIN \`${db}\`.name_basics n ON n.nid = CAST(SUBSTRING(p.nconst, 3) AS UNSIGNED)
      WHERE p.tid = ? AND p.characters IS NOT NULL ORDER BY p.ordering LIMIT 1`,
    [tid],
  );
  const title = String(first(titles)?.primaryTitle ?? "");
  const credit = first(credits);
  let character = String(credit?.characters ?? "");
  try {
    character = String((JSON.parse(character) as unknown[])[0] ?? character);
  } catch {
    // not a JSON list: as it is
  }
  const searches: TypicalSearch[] = [
    { page: "search: title", q: title.toLowerCase() },
    { page: "search: aka", q: String(first(akas)?.title ?? title) },
    { page: "search: person", q: String(credit?.primaryName ?? "") },
    { page: "search: character", q: character },
    { page: "search: typo", q: withTypo(title) ?? title },
  ];
  return searches.filter((s) => s.q.trim() !== "");
}
