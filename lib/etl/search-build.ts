/**
 * A full build of the search index (search-index.ts), after a first build: every title, person and cast list
 * read in key order, a batch at a time, its words written by LOAD DATA into a copy of search_words in the copy's
 * own primary-key order (kind, id, word), so the load only ever appends; people's known-for titles likewise into
 * a copy of search_known_for. The word index (search_words_word) is added after, in one sorted pass, as a first
 * build adds a table's indexes; the copy's vocabulary (each word's rows, for completion) is counted from that
 * index, and the copies are swapped in by one RENAME. Searches answer from the old index meanwhile.
 */
import type { Pool, PoolConnection, RowDataPacket } from "mysql2/promise";
import { searchKind } from "../catalog/search-words";
import { LoadStream, streamingConnection } from "./load-stream";
import {
  characterWords,
  type EntityBatch,
  type EntityKeys,
  type EntityWords,
  personWords,
  titleWords,
} from "./search-entities";

const wordsBuild = "_build_search_words";
const knownForBuild = "_build_search_known_for";
const vocabularyBuild = "_build_search_vocabulary";
/**
 * Vocabulary rows (a word of one kind) written per INSERT … SELECT: a writeset of a few hundred KB, far below a
 * Galera node's limit, however many rows of the index a common word has.
 */
const vocabularyBatch = 10_000;
/** Entities read per batch: a primary-key range, then their akas or credits. */
const defaultBatchSize = 2000;

export interface BuildCounts {
  titles: number;
  people: number;
  casts: number;
  words: number;
  /** Seconds reading and writing each kind, and adding the word index. */
  stages: Record<string, number>;
}

interface Source {
  kind: number;
  counter: "titles" | "people" | "casts";
  read: (c: PoolConnection, keys: EntityKeys) => Promise<EntityBatch>;
}

const sources: Source[] = [
  { kind: searchKind.title, counter: "titles", read: titleWords },
  { kind: searchKind.person, counter: "people", read: personWords },
  { kind: searchKind.characters, counter: "casts", read: characterWords },
];

/** One batch: its last key (where the next starts) and its entities in key order. */
function readBatch(
  reader: PoolConnection,
  source: Source,
  keys: { after: number; limit: number; creditsPerTitle?: number },
) {
  const batch = readEntities(reader, source, keys);
  // Read ahead of its use: a failure is thrown where it is awaited, never as an unhandled rejection meanwhile.
  batch.catch(() => undefined);
  return batch;
}

async function readEntities(reader: PoolConnection, source: Source, keys: EntityKeys) {
  const { entities, last } = await source.read(reader, keys);
  return last === undefined ? undefined : { last, entities: entities.sort((a, b) => a.id - b.id) };
}

/** The batch as LOAD DATA lines in (kind, id, word) order; words are letters and digits, nothing to escape. */
function wordLines(kind: number, entities: EntityWords[]): string[] {
  const lines: string[] = [];
  for (const e of entities) {
    for (const w of [...e.words].sort()) lines.push(`${kind}\t${e.id}\t${w}\t${e.popularity}\n`);
  }
  return lines;
}

function knownForLines(entities: EntityWords[]): string {
  let text = "";
  for (const e of entities)
    for (const tid of [...(e.knownFor ?? [])].sort((a, b) => a - b)) text += `${e.id}\t${tid}\n`;
  return text;
}

/**
 * Fills the copy's vocabulary: each (kind, word) with its rows, counted off the copy's word index in its order
 * (word, kind), `batch` of them per INSERT … SELECT, server-side: one pass over the index that stops at the
 * batch's end (no word crosses to node). The next batch starts after the last (word, kind) inserted: the highest
 * word of the three kinds' (three lookups of the copy's primary key). Created, then filled: a Galera node
 * refuses CREATE TABLE … SELECT.
 */
async function countVocabulary(writer: PoolConnection, batch: number, stopIfCancelled: () => void): Promise<void> {
  await writer.query(
    `CREATE TABLE ${vocabularyBuild} (kind TINYINT UNSIGNED NOT NULL,
       word VARCHAR(40) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL, word_rows INT UNSIGNED NOT NULL,
       PRIMARY KEY (kind, word)) ENGINE=InnoDB`,
  );
  for (let word = "", kind = 0; ; ) {
    stopIfCancelled();
    const [inserted] = await writer.query(
      `INSERT INTO ${vocabularyBuild} (kind, word, word_rows)
       SELECT kind, word, COUNT(*) FROM ${wordsBuild} WHERE word > ? OR (word = ? AND kind > ?)
        GROUP BY word, kind ORDER BY word, kind LIMIT ${batch}`,
      [word, word, kind],
    );
    if ((inserted as unknown as { affectedRows: number }).affectedRows < batch) return;
    const [last] = await writer.query<RowDataPacket[]>(
      `SELECT kind, word FROM (SELECT kind, MAX(word) AS word FROM ${vocabularyBuild} GROUP BY kind) m
        ORDER BY word DESC, kind DESC LIMIT 1`,
    );
    [word, kind] = [String(last[0]?.word), Number(last[0]?.kind)];
  }
}

export async function buildSearchIndex(
  pool: Pool,
  options: {
    upTo: number;
    maxTxnBytes?: number;
    signal?: AbortSignal;
    /** Smaller batches, for tests that want every boundary between ranges crossed. */
    batchSize?: number;
    creditsPerTitle?: number;
    /** Fewer vocabulary rows per statement, likewise (a word's kinds split between statements). */
    vocabularyBatch?: number;
  },
): Promise<BuildCounts> {
  const range = { limit: options.batchSize ?? defaultBatchSize, creditsPerTitle: options.creditsPerTitle };
  const counts: BuildCounts = { titles: 0, people: 0, casts: 0, words: 0, stages: {} };
  const reader = await pool.getConnection();
  const writer = await streamingConnection(pool);
  const knownWriter = await streamingConnection(pool);
  const stopIfCancelled = () => {
    if (options.signal?.aborted) throw options.signal.reason ?? new Error("cancelled");
  };
  try {
    await writer.query(`DROP TABLE IF EXISTS ${wordsBuild}, ${knownForBuild}, ${vocabularyBuild}`);
    // Their primary keys only: the load appends in key order; the other index is added after.
    await writer.query(
      `CREATE TABLE ${wordsBuild} (kind TINYINT UNSIGNED NOT NULL, id INT UNSIGNED NOT NULL,
         word VARCHAR(40) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL, popularity TINYINT UNSIGNED NOT NULL,
         PRIMARY KEY (kind, id, word)) ENGINE=InnoDB`,
    );
    await writer.query(
      `CREATE TABLE ${knownForBuild} (nid INT UNSIGNED NOT NULL, tid INT UNSIGNED NOT NULL,
         PRIMARY KEY (nid, tid)) ENGINE=InnoDB`,
    );
    const load = (connection: PoolConnection, table: string, columns: string) =>
      new LoadStream(
        connection,
        `LOAD DATA LOCAL INFILE '${table}' INTO TABLE ${table} CHARACTER SET utf8mb4
         FIELDS TERMINATED BY '\\t' ESCAPED BY '' LINES TERMINATED BY '\\n' (${columns})`,
        options.maxTxnBytes,
      );
    const words = load(writer, wordsBuild, "kind, id, word, popularity");
    const known = load(knownWriter, knownForBuild, "nid, tid");
    try {
      for (const source of sources) {
        const started = performance.now();
        // The next batch is read while this one is written: the server's reads and LOAD DATA overlap.
        let next = readBatch(reader, source, { ...range, after: -1 });
        for (;;) {
          const batch = await next;
          if (!batch) break;
          stopIfCancelled();
          next = readBatch(reader, source, { ...range, after: batch.last });
          const lines = wordLines(source.kind, batch.entities);
          counts[source.counter] += batch.entities.length;
          counts.words += lines.length;
          await words.write(Buffer.from(lines.join(""), "utf8"));
          if (source.kind === searchKind.person) await known.write(Buffer.from(knownForLines(batch.entities), "utf8"));
        }
        counts.stages[source.counter] = (performance.now() - started) / 1000;
      }
      await Promise.all([words.end(), known.end()]);
    } catch (error) {
      await Promise.all([words.abort(error as Error), known.abort(error as Error)]);
      throw error;
    }
    stopIfCancelled();
    const indexing = performance.now();
    await writer.query(`ALTER TABLE ${wordsBuild} ADD KEY search_words_word (word, kind, popularity DESC, id)`);
    await writer.query(`ALTER TABLE ${knownForBuild} ADD KEY search_known_for_title (tid)`);
    counts.stages.index = (performance.now() - indexing) / 1000;
    stopIfCancelled();
    const counting = performance.now();
    await countVocabulary(writer, options.vocabularyBatch ?? vocabularyBatch, stopIfCancelled);
    counts.stages.vocabulary = (performance.now() - counting) / 1000;
    await writer.query(
      `RENAME TABLE search_words TO _old_search_words, ${wordsBuild} TO search_words,
         search_known_for TO _old_search_known_for, ${knownForBuild} TO search_known_for,
         search_vocabulary TO _old_search_vocabulary, ${vocabularyBuild} TO search_vocabulary`,
    );
    await writer.query("DROP TABLE _old_search_words, _old_search_known_for, _old_search_vocabulary");
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
    await writer
      .query(`DROP TABLE IF EXISTS ${wordsBuild}, ${knownForBuild}, ${vocabularyBuild}`)
      .catch(() => undefined);
    throw error;
  } finally {
    reader.release();
    writer.release();
    knownWriter.release();
  }
  return counts;
}
