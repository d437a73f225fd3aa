/**
 * Incremental sync of one table: a merge of the file with the table, both in key order.
 *
 * The file is read once; the table's (key, row_hash) pairs are streamed beside it in primary-key order.
 * A key only in the file is inserted, a key in both with another hash is updated, a key only in the table
 * is deleted (unless the deletion guard holds deletes back); an equal hash is left alone. Only the new and
 * changed rows and the deleted keys are staged (LOAD DATA), then applied in one transaction, with
 * title_genres kept in step for those titles only. An unchanged file writes nothing.
 */
import type { PoolConnection } from "mysql2/promise";
import { KeyHashCursor } from "./cursor";
import { EtlError } from "./errors";
import { GenreRegistry, refreshGenreCounts } from "./genres";
import { hashHex } from "./hash";
import type { ScannedRow } from "./scan";
import { scanFile } from "./scan";
import { openBytes } from "./source";
import {
  createKeyTableSql,
  deleteByKeysSql,
  keyColumns,
  loadKeysSql,
  loadRowsSql,
  selectKeyHashesSql,
  upsertSql,
} from "./sql";
import { LoadStream, RowBatch } from "./stage";
import { streamingConnection, type TableJob, timed } from "./table-job";
import { fieldText } from "./tsv";

const genresField = 8;

export async function incrementalSync(job: TableJob): Promise<void> {
  const { spec, counters, pool } = job;
  const table = spec.table;
  const stage = `_stage_${table}`;
  const deletes = `_delete_${table}`;
  const genreStage = "_stage_title_genres";
  const withGenres = table === "title_basics";
  const hasOrdering = keyColumns(spec).length === 2;
  const connections: PoolConnection[] = [];
  const connect = async () => {
    const c = await streamingConnection(pool);
    connections.push(c);
    return c;
  };
  const main = await connect();
  const reader = await connect();
  const deleteLoader = await connect();
  const genreLoader = withGenres ? await connect() : undefined;
  let cursor: KeyHashCursor | undefined;
  try {
    await main.query(`DROP TABLE IF EXISTS \`${stage}\`, \`${deletes}\`, \`${genreStage}\``);
    await main.query(`CREATE TABLE \`${stage}\` LIKE \`${table}\``);
    await main.query(createKeyTableSql(spec, deletes));
    if (withGenres) {
      await main.query(
        `CREATE TABLE \`${genreStage}\` (tid INT UNSIGNED NOT NULL, genre_id SMALLINT UNSIGNED NOT NULL)`,
      );
    }
    const registry = genreLoader ? await GenreRegistry.load(genreLoader) : undefined;

    counters.stage = "compare";
    cursor = new KeyHashCursor(reader, selectKeyHashesSql(spec, table), hasOrdering);
    const rowLoad = new LoadStream(main, loadRowsSql(spec, stage));
    const deleteLoad = new LoadStream(deleteLoader, loadKeysSql(spec, deletes));
    const genreLoad = genreLoader
      ? new LoadStream(genreLoader, `LOAD DATA LOCAL INFILE 'g.tsv' INTO TABLE \`${genreStage}\` (tid, genre_id)`)
      : undefined;
    const rows = new RowBatch();
    const deletedKeys = new RowBatch(1 << 16);
    const genreRows = new RowBatch(1 << 16);
    const tableRows = cursor;
    let tableDone = !(await tableRows.fill());

    const stageDeleteOfCurrent = () => {
      deletedKeys.addText(hasOrdering ? `${tableRows.id}\t${tableRows.ordering}\n` : `${tableRows.id}\n`);
      counters.deleted++;
      tableRows.next();
    };
    const stageRow = (row: ScannedRow) => {
      rows.add(`${row.id}\t${hashHex(row.hash)}\t`, row.buf, row.start, row.end);
      if (registry) {
        for (const id of registry.idsFor(fieldText(row.buf, row.start, row.end, genresField))) {
          genreRows.addText(`${row.id}\t${id}\n`);
        }
      }
    };

    /**
     * Merges the file's rows of one id (one title or person) with the table's rows of that id. Within an
     * id, akas and principals are not sorted by ordering in the IMDb files, so they are matched by ordering.
     */
    const mergeGroup = async (group: ScannedRow[]) => {
      const id = group[0]?.id ?? 0;
      for (;;) {
        if (!tableRows.ready) {
          tableDone = !(await tableRows.fill());
          if (tableDone) break;
        }
        if (tableRows.id > id) break;
        if (tableRows.id < id) {
          stageDeleteOfCurrent();
          continue;
        }
        const index = group.findIndex((row) => row.ordering === tableRows.ordering);
        const match = index === -1 ? undefined : group[index];
        if (!match) {
          stageDeleteOfCurrent();
          continue;
        }
        group.splice(index, 1);
        const same = tableRows.hash === match.hash;
        tableRows.next();
        if (match.rejected) continue;
        if (same) {
          counters.unchanged++;
          continue;
        }
        counters.updated++;
        stageRow(match);
      }
      for (const row of group) {
        if (row.rejected) continue;
        counters.inserted++;
        stageRow(row);
      }
    };

    let group: ScannedRow[] = [];
    const addToGroup = (row: ScannedRow) => {
      const twin = group.findIndex((other) => other.ordering === row.ordering);
      if (twin === -1) group.push(row);
      else if (!row.rejected) {
        if (!group[twin]?.rejected) counters.duplicates++;
        group[twin] = row;
      }
    };

    const onRows = async (scanned: ScannedRow[]) => {
      for (const row of scanned) {
        const groupId = group[0]?.id ?? -1;
        if (row.id < groupId) {
          throw new EtlError(
            "UNSORTED",
            `${spec.file} is not sorted by ${spec.keyFields[0]} at line ${row.lineNumber}; an incremental sync needs the IMDb order (run a first build instead).`,
          );
        }
        if (row.id > groupId && group.length > 0) {
          await mergeGroup(group);
          group = [];
          if (rows.rows >= job.chunkRows) await rowLoad.write(rows.flush());
        }
        addToGroup(row);
      }
      await rowLoad.write(rows.flush());
      await deleteLoad.write(deletedKeys.flush());
      if (genreLoad) await genreLoad.write(genreRows.flush());
    };

    await timed(counters, "secondsLoad", async () => {
      try {
        const input = openBytes(job.file, (n) => {
          counters.bytesRead += n;
        });
        await scanFile(input, spec, job.hash, counters, { onRows, onReject: job.onReject }, job.signal);
        if (group.length > 0) await mergeGroup(group);
        await rowLoad.write(rows.flush());
        if (genreLoad) await genreLoad.write(genreRows.flush());
        while (!tableDone) {
          while (tableRows.ready) stageDeleteOfCurrent();
          if (deletedKeys.size > 1 << 20) await deleteLoad.write(deletedKeys.flush());
          tableDone = !(await tableRows.fill());
        }
        await deleteLoad.write(deletedKeys.flush());
        await Promise.all([rowLoad.end(), deleteLoad.end(), genreLoad?.end()]);
      } catch (error) {
        tableRows.close();
        reader.destroy();
        await Promise.all([
          rowLoad.abort(error as Error),
          deleteLoad.abort(error as Error),
          genreLoad?.abort(error as Error),
        ]);
        throw error;
      }
    });

    const applyDeletes = counters.deleted > 0 && !guardHolds(job, tableRows.seen, counters);
    if (!applyDeletes && counters.deleted > 0) {
      counters.deletesWithheld = counters.deleted;
      counters.deleted = 0;
    }
    if (counters.inserted + counters.updated === 0 && !applyDeletes) return;

    counters.stage = "apply";
    await timed(counters, "secondsApply", async () => {
      await main.beginTransaction();
      try {
        if (applyDeletes) await main.query(deleteByKeysSql(spec, table, deletes));
        if (counters.inserted + counters.updated > 0) await main.query(upsertSql(spec, table, stage));
        if (registry) {
          await main.query(`DELETE tg FROM title_genres tg JOIN \`${stage}\` s ON s.tid = tg.tid`);
          if (applyDeletes) await main.query(`DELETE tg FROM title_genres tg JOIN \`${deletes}\` d ON d.tid = tg.tid`);
          await main.query(`INSERT INTO title_genres (tid, genre_id) SELECT tid, genre_id FROM \`${genreStage}\``);
          await registry.saveNew(main);
          await refreshGenreCounts(main);
        }
        await main.commit();
      } catch (error) {
        await main.rollback().catch(() => {});
        throw error;
      }
    });
  } finally {
    cursor?.close();
    await main.query(`DROP TABLE IF EXISTS \`${stage}\`, \`${deletes}\`, \`${genreStage}\``).catch(() => {});
    for (const c of connections) c.release();
  }
}

/**
 * The deletion guard: when the file holds fewer rows than the table by more than the configured share,
 * deletes are withheld (a truncated or partial file must not empty the table) unless forced.
 */
function guardHolds(job: TableJob, tableRows: number, counters: TableJob["counters"]): boolean {
  if (job.deleteGuard.force || tableRows === 0) return false;
  const fileRows = counters.read - counters.rejected - counters.duplicates;
  const shrink = (tableRows - fileRows) / tableRows;
  if (shrink <= job.deleteGuard.share) return false;
  counters.message =
    `Deletes withheld: the file has ${fileRows} rows against ${tableRows} in the table ` +
    `(${(shrink * 100).toFixed(1)} % fewer, guard ${(job.deleteGuard.share * 100).toFixed(0)} %). ` +
    "Run again with force-deletes to apply them.";
  return true;
}
