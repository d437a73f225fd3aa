/**
 * `npx tsx --conditions=react-server scripts/bench/search-vocabulary.ts BASE DAY`: what the completion vocabulary
 * (search_vocabulary, docs/search.md) costs, on small generated data (`npm run gen -- --scale 0.001 --out BASE`,
 * then `mutate --in BASE --out DAY`): a first build and an incremental run into a database of their own, the
 * search refresh's seconds per stage as the run log records them (`vocabulary`: the seconds spent on the counts),
 * then completing and whole-word searches (median of 5 after one warm-up).
 */
import type { RowDataPacket } from "mysql2/promise";
import { tableNames } from "../../lib/catalog/datasets";
import { closePools, getPool } from "../../lib/db";
import { search } from "../../lib/queries/search";
import { createTestDatabase } from "../../test/helpers/database";
import { runEngine } from "../../test/helpers/engine-run";

const [base, day] = process.argv.slice(2);
if (!base || !day) throw new Error("usage: search-vocabulary.ts BASE DAY");
const db = await createTestDatabase("vocabulary_cost");
try {
  const pool = getPool(db.url);
  const refresh = async (runId: number) => {
    const [rows] = await pool.query<RowDataPacket[]>(
      "SELECT details FROM etl_run_log WHERE run_id = ? AND message = 'search index updated'",
      [runId],
    );
    return JSON.parse(String(rows[0]?.details ?? "{}"));
  };
  const first = await runEngine(db.url, { mode: "first-run", source: base, tables: [...tableNames] });
  console.log("first build", first.status, JSON.stringify(await refresh(first.id)));
  const next = await runEngine(db.url, {
    mode: "incremental",
    source: day,
    tables: [...tableNames],
    forceDeletes: true,
  });
  console.log("1 % changed", next.status, JSON.stringify(await refresh(next.id)));
  const [size] = await pool.query<RowDataPacket[]>(
    "SELECT (SELECT COUNT(*) FROM search_words) AS words, (SELECT COUNT(*) FROM search_vocabulary) AS vocabulary",
  );
  console.log("rows", JSON.stringify(size[0]));
  const [common] = await pool.query<RowDataPacket[]>(
    "SELECT word FROM search_vocabulary WHERE kind = 1 AND CHAR_LENGTH(word) >= 5 ORDER BY word_rows DESC LIMIT 2",
  );
  const [a, b] = common.map((r) => String(r.word)) as [string, string];
  const queries = [a, `${a} `, a.slice(0, 2), a.slice(0, 3), `${b} ${a.slice(0, 2)}`, `${b} ${a.slice(0, 2)} `];
  for (const q of queries) {
    await search(q, 20, {}, pool);
    const times: number[] = [];
    let found = 0;
    for (let i = 0; i < 5; i++) {
      const started = performance.now();
      const answer = await search(q, 20, {}, pool);
      times.push(performance.now() - started);
      found = answer.titles.length + answer.people.length + answer.characters.length;
    }
    const median = times.sort((x, y) => x - y)[2] as number;
    console.log(`search ${JSON.stringify(q)}: ${median.toFixed(1)} ms, ${found} answers`);
  }
} finally {
  await closePools();
  await db.drop();
}
