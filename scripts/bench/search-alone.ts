/**
 * `npx tsx --conditions=react-server scripts/bench/search-alone.ts [db]`: the bench's five typical searches and
 * the generator's most common title words, each run through lib/queries/search alone (median of 5 after one
 * warm-up), on a built mirror. A quick look at search on its own; the bench's console step measures it through
 * the console and under load.
 */
import mysql from "mysql2/promise";
import { closePools, getPool } from "../../lib/db";
import { resolveDatabaseUrl } from "../../lib/db/private-server";
import { search } from "../../lib/queries/search";
import { typicalSearches } from "./searches";

const database = process.argv[2] ?? "imdb";
const base = new URL(await resolveDatabaseUrl());
base.pathname = `/${database}`;
const url = base.toString();
const connection = await mysql.createConnection({ uri: url });
const [top] = await connection.query(
  `SELECT b.tconst FROM title_ratings r JOIN title_basics b ON b.tid = r.tid
    WHERE EXISTS (SELECT 1 FROM title_principals p WHERE p.tid = r.tid) ORDER BY r.numVotes DESC LIMIT 1`,
);
const tconst = String((top as { tconst: string }[])[0]?.tconst);
const [common] = await connection.query(
  "SELECT word, COUNT(*) AS n FROM search_words WHERE kind = 1 AND word IN ('the', 'love', 'star', 'night', 'river', 'blood', 'mañana') GROUP BY word",
);
const queries = [
  ...(await typicalSearches(connection, database, tconst)).map((s) => ({ page: s.page, q: s.q })),
  ...(common as { word: string; n: number }[]).map((c) => ({ page: `common word (${c.n} titles)`, q: c.word })),
  { page: "two common words", q: "the river" },
  { page: "genre filter", q: "love", filters: { genre: "Documentary", yearFrom: 2000 } },
];
await connection.end();
const pool = getPool(url);
for (const { page, q, filters } of queries as { page: string; q: string; filters?: object }[]) {
  await search(q, 20, filters, pool);
  const times: number[] = [];
  let found = 0;
  for (let i = 0; i < 5; i++) {
    const started = performance.now();
    const answer = await search(q, 20, filters, pool);
    times.push(performance.now() - started);
    found = answer.titles.length + answer.people.length + answer.characters.length;
  }
  times.sort((a, b) => a - b);
  console.log(
    `${page.padEnd(34)} ${JSON.stringify(q).padEnd(36)} ${times[2]?.toFixed(1).padStart(8)} ms  ${found} found`,
  );
}
await closePools();
