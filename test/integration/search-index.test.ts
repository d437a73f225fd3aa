/**
 * The search index follows the mirror exactly: rounds of random files for the five tables its words and order
 * come from (titles renamed, akas, people, characters and votes added, changed and removed, votes crossing
 * popularity steps), each synced incrementally, after which search_words equals, row for row, a full build of
 * it from the same tables. The refresh rewrote only what the runs noted; the full build reads everything. The
 * vocabulary (each word's rows, for completion) equals a recount of search_words after every refresh and build.
 */
import type { RowDataPacket } from "mysql2/promise";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type TableName, tableNames } from "../../lib/catalog/datasets";
import { closePools, getPool } from "../../lib/db";
import { buildSearchIndex } from "../../lib/etl/search-build";
import { Rng } from "../../scripts/bench/prng";
import { createTestDatabase, type TestDatabase } from "../helpers/database";
import { folderSource, runEngine, tempDir, tsv } from "../helpers/engine-run";

const tt = (n: number) => `tt${String(n).padStart(7, "0")}`;
const nm = (n: number) => `nm${String(n).padStart(7, "0")}`;

describe("the search index after incremental runs", () => {
  let database: TestDatabase;
  let dir: string;
  const pool = () => getPool(database.url);

  beforeAll(async () => {
    database = await createTestDatabase("search_index");
    dir = await tempDir("search-index");
  });
  afterAll(async () => {
    await closePools();
    await database?.drop();
  });

  async function indexRows(): Promise<string[]> {
    const [rows] = await pool().query<RowDataPacket[]>(
      "SELECT word, kind, popularity, id FROM search_words ORDER BY word, kind, popularity, id",
    );
    return rows.map((r) => `${r.word} ${r.kind} ${r.popularity} ${r.id}`);
  }

  /** search_vocabulary as it is, and as a recount of search_words says it should be. */
  async function vocabulary(): Promise<{ kept: string[]; recount: string[] }> {
    const [kept] = await pool().query<RowDataPacket[]>(
      "SELECT kind, word, word_rows FROM search_vocabulary ORDER BY kind, word",
    );
    const [recount] = await pool().query<RowDataPacket[]>(
      "SELECT kind, word, COUNT(*) AS word_rows FROM search_words GROUP BY kind, word ORDER BY kind, word",
    );
    const lines = (rows: RowDataPacket[]) => rows.map((r) => `${r.kind} ${r.word} ${r.word_rows}`);
    return { kept: lines(kept), recount: lines(recount) };
  }

  async function expectVocabularyExact(when: string) {
    const { kept, recount } = await vocabulary();
    expect(recount.length, when).toBeGreaterThan(10);
    expect(kept, when).toEqual(recount);
  }

  it("equals a full build of it after every round", async () => {
    const rng = new Rng(20261208);
    const titles = 30;
    const people = 20;
    const words = ["star", "wars", "godfather", "amélie", "Straße", "Le", "la", "bond", "JAMES", "x", "2001"];
    // Rare words too ("once7"), held by a row or two: a change takes their count to zero, and their vocabulary row goes.
    const word = () => (rng.unit() < 0.15 ? `once${rng.int(40)}` : words[rng.int(words.length)]);
    const phrase = () => Array.from({ length: rng.range(1, 3) }, word).join(" ");
    const pick = (n: number, share: number) =>
      Array.from({ length: n }, (_, i) => i + 1).filter(() => rng.unit() < share);
    // Votes from a few decades, so that a round moves some titles across popularity steps and leaves others.
    const votes = () => [0, 5, 9, 120, 5000, 1_400_000][rng.int(6)] as number;
    /** Each table's rows by key: kept from round to round, a share of them changed, removed or added each round. */
    const kept: Partial<Record<TableName, Map<string, string>>> = {};
    const makers: Partial<Record<TableName, [number, (n: number) => string[]]>> = {
      title_basics: [titles, (n) => [`${tt(n)}\tmovie\t${phrase()}\t${phrase()}\t0\t2000\t\\N\t90\tDrama`]],
      title_akas: [
        titles + 3,
        (n) =>
          Array.from({ length: rng.range(1, 3) }, (_, o) => `${tt(n)}\t${o + 1}\t${phrase()}\tFR\t\\N\t\\N\t\\N\t0`),
      ],
      name_basics: [
        people,
        (n) => {
          const known = pick(titles, 0.1).slice(0, 4).map(tt).join(",") || "\\N";
          return [`${nm(n)}\t${phrase()}\t1970\t\\N\tactor\t${known}`];
        },
      ],
      title_principals: [
        titles + 3,
        (n) =>
          Array.from({ length: rng.range(1, 3) }, (_, o) => {
            const characters =
              rng.unit() < 0.3 ? "\\N" : JSON.stringify([phrase(), phrase()].slice(0, rng.range(1, 2)));
            return `${tt(n)}\t${o + 1}\t${nm(rng.range(1, people))}\tactor\t\\N\t${characters}`;
          }),
      ],
      title_ratings: [titles + 3, (n) => [`${tt(n)}\t7.${rng.int(10)}\t${votes()}`]],
    };
    /** The files of a round: in the first, most keys; then a tenth of each table's keys redrawn (changed, added or
     * removed), the ratings four tenths, so most titles keep their rows while their votes move. */
    const files = (first: boolean): Partial<Record<TableName, string[]>> => {
      const out: Partial<Record<TableName, string[]>> = {};
      for (const [table, [keys, make]] of Object.entries(makers) as [TableName, [number, (n: number) => string[]]][]) {
        const rows = kept[table] ?? new Map<string, string>();
        kept[table] = rows;
        const share = first ? 1 : table === "title_ratings" ? 0.4 : 0.1;
        for (let n = 1; n <= keys; n++) {
          if (rng.unit() >= share) continue;
          if (rng.unit() < 0.2) rows.delete(tt(n));
          else rows.set(tt(n), make(n).join("\n"));
        }
        out[table] = [...rows.values()];
      }
      return out;
    };
    const tables = ["title_basics", "title_akas", "name_basics", "title_principals", "title_ratings"] as TableName[];
    async function sync(round: number, mode: "first-run" | "incremental") {
      const content = files(mode === "first-run");
      let source = "";
      for (const table of tables)
        source = await folderSource(dir, `round-${round}`, table, tsv(table, content[table] ?? []));
      return runEngine(database.url, { mode, source, tables, forceDeletes: true });
    }

    const first = await sync(0, "first-run");
    expect(first.status).toBe("succeeded");
    const [state] = await pool().query<RowDataPacket[]>("SELECT needs_build, built_by_run FROM search_state");
    expect(state[0]).toMatchObject({ needs_build: 0, built_by_run: first.id });
    expect((await indexRows()).length).toBeGreaterThan(50);
    await expectVocabularyExact("first build");
    for (let round = 1; round <= 6; round++) {
      const summary = await sync(round, "incremental");
      expect(summary.status).toBe("succeeded");
      const [dirty] = await pool().query<RowDataPacket[]>("SELECT COUNT(*) AS n FROM search_dirty");
      expect(Number(dirty[0]?.n), "every noted key taken in").toBe(0);
      const refreshed = await indexRows();
      await expectVocabularyExact(`round ${round}, refreshed`);
      // Built in batches of two titles, cast lists cut every two credits and three words counted at a time (every
      // kind of range boundary crossed), then as usual.
      await buildSearchIndex(pool(), { upTo: summary.id, batchSize: 2, creditsPerTitle: 1, vocabularyBatch: 3 });
      expect(await indexRows(), `round ${round}, small batches`).toEqual(refreshed);
      await expectVocabularyExact(`round ${round}, built in small batches`);
      await buildSearchIndex(pool(), { upTo: summary.id });
      expect(await indexRows(), `round ${round}`).toEqual(refreshed);
      await expectVocabularyExact(`round ${round}, built`);
    }
    expect(tableNames).toContain("title_ratings");
  });
});
