/**
 * The search index (`search_words`, docs/search.md): one row per (word, what it stands for), a word's rows stored
 * most popular first, so a search reads the top answers from the front of the word's list however common the
 * word is. The engine keeps it: an incremental apply notes the keys it wrote in `search_dirty`, inside its own
 * transaction (staging.ts, markDirtySql), and at the run's end refreshSearchIndex rewrites the words of exactly
 * those titles, people and cast lists. A first build of a table the words come from marks the index for a full
 * build instead (buildSearchIndex in search-build.ts).
 */
import type { Pool, PoolConnection, RowDataPacket } from "mysql2/promise";
import { type DatasetSpec, idColumn, type TableName } from "../catalog/datasets";
import { popularityStep, searchKind } from "../catalog/search-words";
import { buildSearchIndex } from "./search-build";
import { characterWords, type EntityBatch, type EntityKeys, personWords, titleWords } from "./search-entities";
import { onKeys } from "./sql";

/**
 * Each table the words or their order come from: the code its keys are noted under in search_dirty, and the
 * columns that make the words (or, for ratings, the popularity). An update of its other columns changes nothing
 * in the index and is not noted.
 */
const dirtySource: Partial<Record<TableName, { code: number; columns: string[] }>> = {
  title_basics: { code: 1, columns: ["primaryTitle", "originalTitle"] },
  title_akas: { code: 2, columns: ["title"] },
  name_basics: { code: 3, columns: ["primaryName", "knownForTitles"] },
  title_principals: { code: 4, columns: ["characters"] },
  title_ratings: { code: 5, columns: ["numVotes"] },
};

export const searchSourceTables = Object.keys(dirtySource) as TableName[];

/**
 * Notes keys for the refresh, inside the apply's transaction: what the apply wrote and what the refresh must
 * redo commit together. The run id keeps tables applied side by side off each other's rows (no lock waits
 * between their transactions). Undefined for a table no word comes from. One parameter: the run id.
 *
 * `staged`: the apply's stage of new and changed rows, read before they overwrite the table, so only inserts and
 * updates of a word column are noted. Else `keysTable` holds deleted keys, every one noted.
 */
export function markDirtySql(spec: DatasetSpec, keysTable: string, staged = false): string | undefined {
  const source = dirtySource[spec.table];
  if (source === undefined) return undefined;
  const id = idColumn(spec);
  const insert = `INSERT IGNORE INTO search_dirty (source, run_id, id) SELECT DISTINCT ${source.code}, ?, s.\`${id}\``;
  if (!staged) return `${insert} FROM \`${keysTable}\` s`;
  const same = source.columns.map((c) => `CAST(t.\`${c}\` AS BINARY) <=> CAST(s.\`${c}\` AS BINARY)`).join(" AND ");
  return `${insert} FROM \`${keysTable}\` s LEFT JOIN \`${spec.table}\` t ON ${onKeys(spec, "t", "s")}
    WHERE t.\`${id}\` IS NULL OR NOT (${same})`;
}

/**
 * Whether this database has the search index's tables. Only a schema older than migration 0014 lacks them: the
 * upgrade test builds the previous release's mirror with today's engine, which then leaves the search alone.
 */
export async function hasSearchIndex(pool: Pool): Promise<boolean> {
  const [rows] = await pool.query<RowDataPacket[]>(
    "SELECT COUNT(*) AS n FROM information_schema.tables WHERE table_schema = DATABASE() AND table_name = 'search_state'",
  );
  return Number(rows[0]?.n) > 0;
}

/** After a first build of a table the words come from: the whole index is built again at the run's end. */
export async function markSearchForBuild(pool: Pool): Promise<void> {
  await pool.query("UPDATE search_state SET needs_build = TRUE WHERE id = 1");
}

const readers: Record<number, (c: PoolConnection, keys: EntityKeys) => Promise<EntityBatch>> = {
  [searchKind.title]: titleWords,
  [searchKind.person]: personWords,
  [searchKind.characters]: characterWords,
};

const kindNames: Record<number, string> = {
  [searchKind.title]: "titles",
  [searchKind.person]: "people",
  [searchKind.characters]: "casts",
};

/** Rows per INSERT of words: a few hundred KB, far below a Galera writeset limit. */
const insertRows = 5000;
/**
 * Entities rewritten per transaction. Below 1,000 on purpose: MariaDB turns an IN list of 1,000 values or more
 * into a join with a derived table (in_predicate_conversion_threshold), and the plan it then picks for
 * `kind IN (…) AND id IN (…)` scanned whole kinds of the word index (27 M rows, 7.5 s at 0.1x) instead of
 * looking the keys up.
 */
const batchEntities = 500;

/**
 * How the word rows written change each word's count in search_vocabulary: +1 per row inserted, -1 per row
 * deleted, words whose count stays (a row moved to another popularity step is deleted and inserted) left out.
 */
export function vocabularyDeltas(inserted: Iterable<string>, deleted: Iterable<string>): [string, number][] {
  const delta = new Map<string, number>();
  for (const w of inserted) delta.set(w, (delta.get(w) ?? 0) + 1);
  for (const w of deleted) delta.set(w, (delta.get(w) ?? 0) - 1);
  return [...delta].filter(([, d]) => d !== 0);
}

/**
 * Applies the count changes of one batch to search_vocabulary, in the batch's transaction (the words and their
 * counts commit together): the changes go into a temporary table, then one upsert adds them (a count taken
 * below zero is an error, not a silent wrap: the table would have drifted), and the words whose count reached
 * zero are deleted, so the table holds exactly the words the index holds.
 */
async function adjustVocabulary(connection: PoolConnection, kind: number, deltas: [string, number][]): Promise<void> {
  if (deltas.length === 0) return;
  for (let i = 0; i < deltas.length; i += insertRows) {
    await connection.query("INSERT INTO _search_counts (word, delta) VALUES ?", [deltas.slice(i, i + insertRows)]);
  }
  await connection.query(
    `INSERT INTO search_vocabulary (kind, word, word_rows) SELECT ?, d.word, GREATEST(d.delta, 0) FROM _search_counts d
       ON DUPLICATE KEY UPDATE word_rows = search_vocabulary.word_rows + d.delta`,
    [kind],
  );
  if (deltas.some(([, d]) => d < 0)) {
    await connection.query(
      `DELETE v FROM search_vocabulary v JOIN _search_counts d ON v.kind = ? AND v.word = d.word
        WHERE d.delta < 0 AND v.word_rows = 0`,
      [kind],
    );
  }
  await connection.query("DELETE FROM _search_counts");
}

/**
 * Brings the words of these entities of one kind to what the tables hold now, writing only the difference: the
 * stored words are read by primary key (cheap), and only the words gone, new or moved to another popularity
 * step are deleted and inserted. Most rewrites change a word or two of a title among its akas' dozens, and each
 * written row costs a random write in the word index. The words' counts in search_vocabulary follow by exactly
 * the rows written. Returns the rows written and the seconds the counts took.
 */
async function rewrite(
  connection: PoolConnection,
  kind: number,
  ids: number[],
): Promise<{ words: number; vocabulary: number }> {
  const read = readers[kind] as (c: PoolConnection, keys: EntityKeys) => Promise<EntityBatch>;
  const { entities } = await read(connection, { ids });
  const [storedRows] = await connection.query<RowDataPacket[]>(
    "SELECT id, word, popularity FROM search_words WHERE kind = ? AND id IN (?)",
    [kind, ids],
  );
  const stored = new Map<string, number>();
  for (const r of storedRows) stored.set(`${r.id}\t${r.word}`, Number(r.popularity));
  const inserts: [string, number, number, number][] = [];
  const kept = new Set<string>();
  for (const e of entities) {
    for (const w of e.words) {
      const key = `${e.id}\t${w}`;
      if (stored.get(key) === e.popularity) kept.add(key);
      else inserts.push([w, kind, e.popularity, e.id]);
    }
  }
  const deletes = [...stored.keys()]
    .filter((key) => !kept.has(key))
    .map((key) => {
      const [id, word] = key.split("\t") as [string, string];
      return [kind, Number(id), word];
    });
  const deltas = vocabularyDeltas(
    inserts.map((i) => i[0]),
    deletes.map((d) => d[2] as string),
  );
  let vocabulary = 0;
  await connection.beginTransaction();
  try {
    for (let i = 0; i < deletes.length; i += insertRows) {
      await connection.query("INSERT INTO _search_gone (kind, id, word) VALUES ?", [deletes.slice(i, i + insertRows)]);
    }
    if (deletes.length > 0) {
      await connection.query(
        "DELETE w FROM search_words w JOIN _search_gone g ON g.kind = w.kind AND g.id = w.id AND g.word = w.word",
      );
      await connection.query("DELETE FROM _search_gone");
    }
    for (let i = 0; i < inserts.length; i += insertRows) {
      await connection.query("INSERT INTO search_words (word, kind, popularity, id) VALUES ?", [
        inserts.slice(i, i + insertRows),
      ]);
    }
    const counting = performance.now();
    await adjustVocabulary(connection, kind, deltas);
    vocabulary = (performance.now() - counting) / 1000;
    if (kind === searchKind.person) {
      await connection.query("DELETE FROM search_known_for WHERE nid IN (?)", [ids]);
      const known = entities.flatMap((e) => (e.knownFor ?? []).map((tid) => [tid, e.id]));
      if (known.length > 0) await connection.query("INSERT INTO search_known_for (tid, nid) VALUES ?", [known]);
    }
    await connection.commit();
  } catch (error) {
    await connection.rollback().catch(() => undefined);
    throw error;
  }
  return { words: inserts.length + deletes.length, vocabulary };
}

export interface SearchRefresh {
  method: "none" | "incremental" | "full";
  titles: number;
  people: number;
  casts: number;
  words: number;
  seconds: number;
  /** Seconds per stage (each kind read and written, the moved titles, the word index, the vocabulary), where measured. */
  stages?: Record<string, number>;
}

/** Stops between batches when the run is cancelled (the dirty keys stay for the next run). */
function checkSignal(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw signal.reason ?? new Error("cancelled");
}

/**
 * The titles whose popularity step moved with new votes (noted under title_ratings, in _search_work_titles,
 * which is cut down to them here): their words, their cast lists' and the words of the people known for them are
 * rewritten in the new order. A title whose votes changed within its step keeps its rows: the search ranks by
 * exact votes within a step. Compared here a thousand titles at a time, each by its primary-key range.
 */
async function noteMovedTitles(connection: PoolConnection): Promise<void> {
  for (let after = -1; ; ) {
    const [rows] = await connection.query<RowDataPacket[]>(
      `SELECT t.id, r.numVotes FROM _search_work_titles t LEFT JOIN title_ratings r ON r.tid = t.id
        WHERE t.id > ? ORDER BY t.id LIMIT ?`,
      [after, batchEntities],
    );
    if (rows.length === 0) break;
    const ids = rows.map((r) => Number(r.id));
    after = ids[ids.length - 1] as number;
    const [stored] = await connection.query<RowDataPacket[]>(
      `SELECT id, MIN(popularity) AS low, MAX(popularity) AS high FROM search_words
        WHERE kind IN (${searchKind.title}, ${searchKind.characters}) AND id IN (?) GROUP BY id`,
      [ids],
    );
    const steps = new Map(stored.map((s) => [Number(s.id), [Number(s.low), Number(s.high)]]));
    const unmoved = rows
      .filter((r) => {
        const step = steps.get(Number(r.id));
        const now = popularityStep(r.numVotes);
        return step === undefined || (step[0] === now && step[1] === now);
      })
      .map((r) => Number(r.id));
    if (unmoved.length > 0) await connection.query("DELETE FROM _search_work_titles WHERE id IN (?)", [unmoved]);
  }
  for (const kind of [searchKind.title, searchKind.characters]) {
    await connection.query(`INSERT IGNORE INTO _search_work (kind, id) SELECT ${kind}, id FROM _search_work_titles`);
  }
  // People known for a moved title: their step is their known-for titles' highest.
  await connection.query(
    `INSERT IGNORE INTO _search_work (kind, id)
     SELECT ${searchKind.person}, k.nid FROM _search_work_titles t JOIN search_known_for k ON k.tid = t.id`,
  );
}

/** The keys of one kind to rewrite, from _search_work, in key order. */
async function workOf(connection: PoolConnection, kind: number): Promise<number[]> {
  const ids: number[] = [];
  for (let after = -1; ; ) {
    const [rows] = await connection.query<RowDataPacket[]>(
      "SELECT id FROM _search_work WHERE kind = ? AND id > ? ORDER BY id LIMIT 50000",
      [kind, after],
    );
    if (rows.length === 0) return ids;
    for (const r of rows) ids.push(Number(r.id));
    after = ids[ids.length - 1] as number;
  }
}

/** Rewrites the entities of one kind, batchEntities at a time, on a connection of its own. */
async function refreshKind(pool: Pool, kind: number, ids: number[], signal: AbortSignal | undefined) {
  const connection = await pool.getConnection();
  let words = 0;
  let vocabulary = 0;
  try {
    await connection.query("SET SESSION TRANSACTION ISOLATION LEVEL READ COMMITTED");
    await connection.query("DROP TEMPORARY TABLE IF EXISTS _search_gone");
    await connection.query(
      `CREATE TEMPORARY TABLE _search_gone (kind TINYINT UNSIGNED NOT NULL, id INT UNSIGNED NOT NULL,
         word VARCHAR(40) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL, PRIMARY KEY (kind, id, word)) ENGINE=InnoDB`,
    );
    await connection.query("DROP TEMPORARY TABLE IF EXISTS _search_counts");
    await connection.query(
      `CREATE TEMPORARY TABLE _search_counts (word VARCHAR(40) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL
         PRIMARY KEY, delta INT NOT NULL) ENGINE=InnoDB`,
    );
    for (let i = 0; i < ids.length; i += batchEntities) {
      checkSignal(signal);
      const done = await rewrite(connection, kind, ids.slice(i, i + batchEntities));
      words += done.words;
      vocabulary += done.vocabulary;
    }
    await connection.query("DROP TEMPORARY TABLE IF EXISTS _search_gone, _search_counts");
  } finally {
    await connection.query("SET SESSION TRANSACTION ISOLATION LEVEL REPEATABLE READ").catch(() => undefined);
    connection.release();
  }
  return { entities: ids.length, words, vocabulary };
}

/**
 * Brings search_words up to date after a run: a full build when a first build replaced a table the words come
 * from (or the index was never built), else a rewrite of the entities whose keys runs up to `upTo` noted.
 */
export async function refreshSearchIndex(
  pool: Pool,
  options: { upTo: number; maxTxnBytes?: number; signal?: AbortSignal },
): Promise<SearchRefresh> {
  const started = performance.now();
  const [state] = await pool.query<RowDataPacket[]>("SELECT needs_build FROM search_state WHERE id = 1");
  if (Number(state[0]?.needs_build ?? 1) === 1) {
    const built = await buildSearchIndex(pool, options);
    return { method: "full", ...built, seconds: (performance.now() - started) / 1000 };
  }
  const connection = await pool.getConnection();
  const counts = { titles: 0, people: 0, casts: 0, words: 0 };
  const stages: Record<string, number> = {};
  try {
    const [pending] = await connection.query<RowDataPacket[]>(
      "SELECT EXISTS (SELECT 1 FROM search_dirty WHERE run_id <= ?) AS any_dirty",
      [options.upTo],
    );
    if (Number(pending[0]?.any_dirty) !== 1) return { method: "none", ...counts, seconds: 0 };
    await connection.query("DROP TEMPORARY TABLE IF EXISTS _search_work, _search_work_titles");
    await connection.query(
      "CREATE TEMPORARY TABLE _search_work (kind TINYINT UNSIGNED NOT NULL, id INT UNSIGNED NOT NULL, PRIMARY KEY (kind, id)) ENGINE=InnoDB",
    );
    const sources: [number, number][] = [
      [1, searchKind.title],
      [2, searchKind.title],
      [3, searchKind.person],
      [4, searchKind.characters],
    ];
    for (const [source, kind] of sources) {
      await connection.query(
        `INSERT IGNORE INTO _search_work (kind, id) SELECT ${kind}, id FROM search_dirty WHERE source = ? AND run_id <= ?`,
        [source, options.upTo],
      );
    }
    // Created, then filled: a Galera node with streaming replication refuses CREATE TABLE … SELECT.
    await connection.query(
      "CREATE TEMPORARY TABLE _search_work_titles (id INT UNSIGNED NOT NULL PRIMARY KEY) ENGINE=InnoDB",
    );
    await connection.query(
      "INSERT IGNORE INTO _search_work_titles (id) SELECT id FROM search_dirty WHERE source = 5 AND run_id <= ?",
      [options.upTo],
    );
    const noting = performance.now();
    await noteMovedTitles(connection);
    stages.moved = (performance.now() - noting) / 1000;
    // The three kinds side by side, each on a connection of its own: they write apart (the primary key starts
    // with the kind), and READ COMMITTED keeps their deletes from gap-locking the word index against each other.
    const kinds = [searchKind.title, searchKind.person, searchKind.characters];
    const work: number[][] = [];
    for (const kind of kinds) work.push(await workOf(connection, kind));
    const done = await Promise.all(
      kinds.map(async (kind, i) => {
        const kindStarted = performance.now();
        const result = await refreshKind(pool, kind, work[i] as number[], options.signal);
        stages[kindNames[kind] as string] = (performance.now() - kindStarted) / 1000;
        return result;
      }),
    );
    [counts.titles, counts.people, counts.casts] = done.map((d) => d.entities) as [number, number, number];
    counts.words = done.reduce((sum, d) => sum + d.words, 0);
    // Seconds the three kinds spent on the vocabulary's counts, together (they run side by side).
    stages.vocabulary = done.reduce((sum, d) => sum + d.vocabulary, 0);
    // The noted keys go in short batches: one large DELETE would be one large writeset on a Galera node.
    for (;;) {
      const [done] = await connection.query<RowDataPacket[]>(
        "DELETE FROM search_dirty WHERE run_id <= ? ORDER BY source, run_id, id LIMIT 20000",
        [options.upTo],
      );
      if ((done as unknown as { affectedRows: number }).affectedRows < 20000) break;
    }
    await connection.query("DROP TEMPORARY TABLE IF EXISTS _search_work, _search_work_titles");
  } finally {
    connection.release();
  }
  return { method: "incremental", ...counts, stages, seconds: (performance.now() - started) / 1000 };
}
