/**
 * First build of one table: load the whole file into a fresh copy of the table without its secondary
 * indexes, add the indexes in one pass, then swap the copy in with one atomic RENAME. Until the swap the
 * live table is untouched, so a corrupt file or a cancelled run changes nothing.
 */
import type { PoolConnection, RowDataPacket } from "mysql2/promise";
import { GenreRegistry, refreshGenreCounts } from "./genres";
import { hashHex } from "./hash";
import { addIndexesSql, dropIndexesSql, secondaryIndexes } from "./indexes";
import type { ScannedRow } from "./scan";
import { scanFile } from "./scan";
import { openBytes } from "./source";
import { loadGenreRowsSql, loadRowsSql } from "./sql";
import { LoadStream, RowBatch } from "./stage";
import { streamingConnection, type TableJob, timed } from "./table-job";

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

export async function firstBuild(job: TableJob): Promise<void> {
  const { spec, counters, pool } = job;
  const table = spec.table;
  const copy = `${table}__new`;
  const withGenres = table === "title_basics";
  const connection = await streamingConnection(pool);
  const genreConnection = withGenres ? await streamingConnection(pool) : undefined;
  const copies = withGenres ? [copy, "title_genres__new"] : [copy];
  let swapped = false;
  try {
    const [existing] = await connection.query<RowDataPacket[]>(`SELECT EXISTS(SELECT 1 FROM \`${table}\`) AS has`);
    const indexes = await createBareCopy(connection, table, copy);
    const genreIndexes = genreConnection
      ? await createBareCopy(genreConnection, "title_genres", "title_genres__new")
      : [];
    const registry = genreConnection ? await GenreRegistry.load(genreConnection) : undefined;

    const load = new LoadStream(connection, loadRowsSql(spec, copy));
    const genreLoad = genreConnection
      ? new LoadStream(genreConnection, loadGenreRowsSql("title_genres__new"))
      : undefined;
    const rows = new RowBatch();
    const genreRows = new RowBatch(1 << 16);
    let lastKey = -1;
    let inOrder = true;

    const onRows = async (scanned: ScannedRow[]) => {
      for (const row of scanned) {
        if (row.rejected) continue;
        if (row.mergeKey <= lastKey) inOrder = false;
        lastKey = row.mergeKey;
        rows.add(`${row.id}\t${hashHex(row.hash)}\t`, row.buf, row.start, row.end);
        counters.inserted++;
        registry?.addTitleGenres(row, genreRows);
        if (rows.rows >= job.chunkRows) await load.write(rows.flush());
      }
      await load.write(rows.flush());
      if (genreLoad) await genreLoad.write(genreRows.flush());
    };

    const result = await timed(counters, "load", async () => {
      try {
        const input = openBytes(job.file, (n) => {
          counters.bytesRead += n;
        });
        await scanFile(input, spec, job.hash, counters, { onRows, onReject: job.onReject }, job.signal);
        const [loaded] = await Promise.all([load.end(), genreLoad?.end()]);
        return loaded;
      } catch (error) {
        await Promise.all([load.abort(error as Error), genreLoad?.abort(error as Error)]);
        throw error;
      }
    });
    counters.duplicates += result.replaced;
    counters.inserted -= result.replaced;

    await timed(counters, "index", async () => {
      if (registry && genreConnection) {
        await registry.saveNew(genreConnection);
        if (!inOrder) {
          await genreConnection.query("TRUNCATE TABLE title_genres__new");
          await genreConnection.query(genresFromTitlesSql(copy, "title_genres__new"));
        }
      }
      const add = addIndexesSql(copy, indexes);
      const addGenre = addIndexesSql("title_genres__new", genreIndexes);
      await Promise.all([add && connection.query(add), addGenre && genreConnection?.query(addGenre)]);
    });

    await timed(counters, "swap", async () => {
      const renames = [`\`${table}\` TO \`${table}__old\``, `\`${copy}\` TO \`${table}\``];
      if (withGenres) renames.push("title_genres TO title_genres__old", "title_genres__new TO title_genres");
      await connection.query(`RENAME TABLE ${renames.join(", ")}`);
      swapped = true;
      await connection.query(`DROP TABLE \`${table}__old\`${withGenres ? ", title_genres__old" : ""}`);
      if (genreConnection) await refreshGenreCounts(genreConnection);
    });
    if (existing[0]?.has) counters.message = "First build: the table's previous contents were replaced.";
  } finally {
    if (!swapped)
      await connection.query(`DROP TABLE IF EXISTS ${copies.map((c) => `\`${c}\``).join(", ")}`).catch(() => {});
    connection.release();
    genreConnection?.release();
  }
}
