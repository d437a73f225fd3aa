/**
 * First build of one table: load the whole file into a fresh copy of the table without its secondary
 * indexes, add the indexes in one pass, then swap the copy in with one atomic RENAME. Until the swap the
 * live table is untouched, so a corrupt file or a cancelled run changes nothing.
 */
import type { PoolConnection, RowDataPacket } from "mysql2/promise";
import { GenreSink, refreshGenreCounts } from "./genres";
import { addIndexesSql, dropIndexesSql, type IndexDefinition, secondaryIndexes } from "./indexes";
import { LoadStream, RowBatch, streamingConnection } from "./load-stream";
import { type ScannedRow, scanFile } from "./scan";
import { openTableFile } from "./source";
import { loadRowsSql } from "./sql";
import { type SyncedShape, type TableJob, timed } from "./table-job";

const genreCopy = "title_genres__new";

/** Creates `copy` like `table`, without secondary indexes; returns them for the rebuild. */
async function createBareCopy(connection: PoolConnection, table: string, copy: string) {
  const indexes = await secondaryIndexes(connection, table);
  await connection.query(`DROP TABLE IF EXISTS \`${copy}\``);
  await connection.query(`CREATE TABLE \`${copy}\` LIKE \`${table}\``);
  const drop = dropIndexesSql(copy, indexes);
  if (drop) await connection.query(drop);
  return indexes;
}

/** Splits genres in SQL: only needed when title_basics was not in key order, so rows were not final in one pass. */
const genresFromTitlesSql = (titles: string, target: string) =>
  `INSERT IGNORE INTO \`${target}\` (tid, genre_id) SELECT t.tid, g.genre_id FROM \`${titles}\` t
   JOIN genres g ON FIND_IN_SET(g.genre_name, t.genres COLLATE utf8mb4_bin) > 0`;

/**
 * Streams the file into `copy` (and its titles' genres into the genre copy). Returns how many rows a later
 * row with the same key replaced, whether the file was in key order, and whether its ids were (akas and
 * principals list a title's orderings in any order).
 */
async function loadFile(job: TableJob, connection: PoolConnection, copy: string, genres: GenreSink | undefined) {
  const { spec, counters } = job;
  const load = new LoadStream(connection, loadRowsSql(spec, copy), job.maxTxnBytes);
  genres?.start();
  const rows = new RowBatch();
  let lastKey = -1;
  let inOrder = true;
  let idsInOrder = true;
  const onRows = async (scanned: ScannedRow[]) => {
    for (const row of scanned) {
      if (row.rejected) continue;
      if (row.mergeKey <= lastKey) {
        inOrder = false;
        if (row.id < Math.floor(lastKey / 65536)) idsInOrder = false;
      }
      lastKey = row.mergeKey;
      rows.addRow(row);
      counters.inserted++;
      genres?.add(row);
      if (rows.isFull(job.chunkRows)) await load.write(rows.flush());
    }
    await load.write(rows.flush());
    await genres?.flush();
  };
  try {
    const input = openTableFile(job);
    await scanFile(input, spec, job.hash, counters, { onRows, onReject: job.onReject }, job.signal);
    const [loaded] = await Promise.all([load.end(), genres?.end()]);
    return { replaced: loaded.replaced, inOrder, idsInOrder, statements: load.statements };
  } catch (error) {
    await Promise.all([load.abort(error as Error), genres?.abort(error as Error)]);
    throw error;
  }
}

/** Adds the secondary indexes to the copies, the table's and the genre copy's side by side. */
async function buildIndexes(
  connection: PoolConnection,
  copy: string,
  indexes: IndexDefinition[],
  genres: { sink: GenreSink; indexes: IndexDefinition[]; titlesInOrder: boolean } | undefined,
): Promise<void> {
  if (genres) {
    await genres.sink.saveNew();
    if (!genres.titlesInOrder) {
      await genres.sink.connection.query(`TRUNCATE TABLE ${genreCopy}`);
      await genres.sink.connection.query(genresFromTitlesSql(copy, genreCopy));
    }
  }
  const add = addIndexesSql(copy, indexes);
  const addGenre = genres && addIndexesSql(genreCopy, genres.indexes);
  await Promise.all([add && connection.query(add), addGenre && genres.sink.connection.query(addGenre)]);
}

/** Swaps the copies in with one atomic RENAME and drops the old tables. */
async function swapIn(connection: PoolConnection, table: string, copy: string, withGenres: boolean): Promise<void> {
  const renames = [`\`${table}\` TO \`${table}__old\``, `\`${copy}\` TO \`${table}\``];
  if (withGenres) renames.push("title_genres TO title_genres__old", `${genreCopy} TO title_genres`);
  await connection.query(`RENAME TABLE ${renames.join(", ")}`);
  await connection.query(`DROP TABLE \`${table}__old\`${withGenres ? ", title_genres__old" : ""}`);
}

/** Builds the table from its file; returns whether the file's ids never went down (see SyncedShape). */
export async function firstBuild(job: TableJob): Promise<SyncedShape> {
  const { spec, counters } = job;
  const table = spec.table;
  const copy = `${table}__new`;
  const connection = await streamingConnection(job.pool);
  let genres: GenreSink | undefined;
  let swapped = false;
  try {
    genres = table === "title_basics" ? await GenreSink.open(job.pool, genreCopy, job.maxTxnBytes) : undefined;
    const [existing] = await connection.query<RowDataPacket[]>(`SELECT EXISTS(SELECT 1 FROM \`${table}\`) AS has`);
    const indexes = await createBareCopy(connection, table, copy);
    const genreIndexes = genres ? await createBareCopy(genres.connection, "title_genres", genreCopy) : [];

    const { replaced, inOrder, idsInOrder, statements } = await timed(counters, "load", () =>
      loadFile(job, connection, copy, genres),
    );
    counters.duplicates += replaced;
    counters.inserted -= replaced;

    await job.handOff?.();
    const genreBuild = genres && { sink: genres, indexes: genreIndexes, titlesInOrder: inOrder };
    await timed(counters, "index", () => buildIndexes(connection, copy, indexes, genreBuild));
    await timed(counters, "swap", async () => {
      await swapIn(connection, table, copy, genres !== undefined);
      swapped = true;
      if (genres) await refreshGenreCounts(genres.connection);
    });
    const notes = [];
    if (existing[0]?.has) notes.push("First build: the table's previous contents were replaced.");
    if (statements > 1) notes.push(`Loaded in ${statements} transactions of at most ${job.maxTxnBytes} bytes.`);
    if (notes.length > 0) counters.message = notes.join(" ");
    return { idsInOrder };
  } finally {
    if (!swapped) {
      const copies = genres ? `\`${copy}\`, ${genreCopy}` : `\`${copy}\``;
      await connection.query(`DROP TABLE IF EXISTS ${copies}`).catch(() => {});
    }
    connection.release();
    genres?.release();
  }
}
