/**
 * A full build of the search index (search-index.ts), after a first build: every title, person and cast list
 * read in key order, a batch at a time, its words written by LOAD DATA into a copy of search_words without its
 * keys (people's known-for titles into a copy of search_known_for), the keys added in one sorted pass (as a
 * first build adds a table's indexes), and the copies swapped in by one RENAME. Searches answer from the old
 * index meanwhile.
 */
import type { Pool, PoolConnection, RowDataPacket } from "mysql2/promise";
import { searchKind } from "../catalog/search-words";
import { LoadStream, streamingConnection } from "./load-stream";
import { characterWords, type EntityWords, personWords, titleWords } from "./search-entities";

const buildTable = "_build_search_words";
const knownForBuild = "_build_search_known_for";
/** Entities read per batch (a primary-key range, then their akas or credits). */
const batchSize = 5000;

export interface BuildCounts {
  titles: number;
  people: number;
  casts: number;
  words: number;
}

/** The ids of the next batch of a table, in key order after `after`. */
async function nextIds(connection: PoolConnection, sql: string, after: number): Promise<number[]> {
  const [rows] = await connection.query<RowDataPacket[]>(sql, [after, batchSize]);
  return rows.map((r) => Number(r.id));
}

const sources: {
  kind: number;
  counter: keyof Omit<BuildCounts, "words">;
  ids: string;
  read: (c: PoolConnection, ids: number[]) => Promise<EntityWords[]>;
}[] = [
  {
    kind: searchKind.title,
    counter: "titles",
    ids: "SELECT tid AS id FROM title_basics WHERE tid > ? ORDER BY tid LIMIT ?",
    read: titleWords,
  },
  {
    kind: searchKind.person,
    counter: "people",
    ids: "SELECT nid AS id FROM name_basics WHERE nid > ? ORDER BY nid LIMIT ?",
    read: personWords,
  },
  {
    kind: searchKind.characters,
    counter: "casts",
    ids: "SELECT DISTINCT tid AS id FROM title_principals WHERE tid > ? ORDER BY tid LIMIT ?",
    read: characterWords,
  },
];

export async function buildSearchIndex(
  pool: Pool,
  options: { upTo: number; maxTxnBytes?: number; signal?: AbortSignal },
): Promise<BuildCounts> {
  const counts: BuildCounts = { titles: 0, people: 0, casts: 0, words: 0 };
  const reader = await pool.getConnection();
  const writer = await streamingConnection(pool);
  try {
    await writer.query(`DROP TABLE IF EXISTS ${buildTable}`);
    // A sequence as its key while loading (every table gets a primary key, as a Galera node wants); the real
    // keys are added after, in one sorted pass.
    await writer.query(
      `CREATE TABLE ${buildTable} (seq BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
         word VARCHAR(40) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL, kind TINYINT UNSIGNED NOT NULL,
         popularity TINYINT UNSIGNED NOT NULL, id INT UNSIGNED NOT NULL) ENGINE=InnoDB`,
    );
    await writer.query(`DROP TABLE IF EXISTS ${knownForBuild}`);
    await writer.query(
      `CREATE TABLE ${knownForBuild} (seq BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
         tid INT UNSIGNED NOT NULL, nid INT UNSIGNED NOT NULL) ENGINE=InnoDB`,
    );
    const load = new LoadStream(
      writer,
      `LOAD DATA LOCAL INFILE 'search-words' INTO TABLE ${buildTable} CHARACTER SET utf8mb4
       FIELDS TERMINATED BY '\\t' ESCAPED BY '' LINES TERMINATED BY '\\n' (word, kind, popularity, id)`,
      options.maxTxnBytes,
    );
    try {
      for (const source of sources) {
        for (let after = -1; ; ) {
          if (options.signal?.aborted) throw options.signal.reason ?? new Error("cancelled");
          const ids = await nextIds(reader, source.ids, after);
          if (ids.length === 0) break;
          after = ids[ids.length - 1] as number;
          const entities = await source.read(reader, ids);
          // Words are letters and digits only: nothing in them needs escaping for LOAD DATA.
          const lines: string[] = [];
          for (const e of entities)
            for (const w of e.words) lines.push(`${w}\t${source.kind}\t${e.popularity}\t${e.id}\n`);
          counts[source.counter] += entities.length;
          counts.words += lines.length;
          await load.write(Buffer.from(lines.join(""), "utf8"));
          // On the reader: the writer's connection is busy with the LOAD DATA in flight.
          const known = entities.flatMap((e) => (e.knownFor ?? []).map((tid) => [tid, e.id]));
          if (known.length > 0) await reader.query(`INSERT INTO ${knownForBuild} (tid, nid) VALUES ?`, [known]);
        }
      }
      await load.end();
    } catch (error) {
      await load.abort(error as Error);
      throw error;
    }
    if (options.signal?.aborted) throw options.signal.reason ?? new Error("cancelled");
    await writer.query(
      `ALTER TABLE ${buildTable} DROP PRIMARY KEY, DROP COLUMN seq,
         ADD PRIMARY KEY (word, kind, popularity DESC, id), ADD KEY search_words_entity (kind, id)`,
    );
    await writer.query(
      `ALTER TABLE ${knownForBuild} DROP PRIMARY KEY, DROP COLUMN seq,
         ADD PRIMARY KEY (tid, nid), ADD KEY search_known_for_person (nid)`,
    );
    await writer.query(
      `RENAME TABLE search_words TO _old_search_words, ${buildTable} TO search_words,
         search_known_for TO _old_search_known_for, ${knownForBuild} TO search_known_for`,
    );
    await writer.query("DROP TABLE _old_search_words, _old_search_known_for");
    // What was noted up to this run is in the new index; later runs' notes (none while this run holds the lock) stay.
    for (;;) {
      const [done] = await writer.query("DELETE FROM search_dirty WHERE run_id <= ? LIMIT 20000", [options.upTo]);
      if ((done as unknown as { affectedRows: number }).affectedRows < 20000) break;
    }
    await writer.query(
      "UPDATE search_state SET needs_build = FALSE, built_at = CURRENT_TIMESTAMP(3), built_by_run = ? WHERE id = 1",
      [options.upTo],
    );
  } catch (error) {
    await writer.query(`DROP TABLE IF EXISTS ${buildTable}, ${knownForBuild}`).catch(() => undefined);
    throw error;
  } finally {
    reader.release();
    writer.release();
  }
  return counts;
}
