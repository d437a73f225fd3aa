/**
 * Incremental sync of one table: the file is merged with the table (merge.ts) and only the new and changed
 * rows and the deleted keys are staged with LOAD DATA (staging.ts), then applied in one transaction, with
 * title_genres kept in step for those titles only. An unchanged file writes nothing; the deletion guard can
 * hold deletes back. This file chooses the path: the kept-file diff, the merge with the table, or the
 * database's own compare of an unsorted file.
 */
import { hasOrdering } from "../catalog/datasets";
import { emptyCounters, type TableCounters } from "../run-record/counters";
import { KeyHashCursor } from "./cursor";
import { EtlError } from "./errors";
import { dropIndexesSql, secondaryIndexes } from "./indexes";
import { diffWithKeptFile } from "./kept-diff";
import { type KeptFile, KeptFileUnusable } from "./kept-file";
import { LoadStream, RowBatch } from "./load-stream";
import { type KeyCursor, KeyMerge } from "./merge";
import { type ScannedRow, scanFile } from "./scan";
import { openTableFile } from "./source";
import { createKeyTableSql, keyColumns, loadKeysSql, loadRowsSql, selectKeyHashesSql, storedColumns } from "./sql";
import { Staging } from "./staging";
import { type SyncedShape, type TableJob, timed } from "./table-job";
import { RowContentCursor } from "./verify";

/** The table side of the merge: the table's rows, read back in key order. */
interface TableSide extends KeyCursor {
  /** Rows read so far: all of the table's rows once the merge is done (the deletion guard's base). */
  readonly seen: number;
  close(): void;
}

/** The new file is not in key order: the merge cannot go on, the database compares instead (compareUnsorted). */
class FileNotSorted extends Error {}

/**
 * Incremental sync of one table. The fastest valid path is taken: the new file diffed against the kept file
 * of the table's last exact sync (no table read), else against the table itself, else, for a file not in key
 * order, a comparison in the database. A path that turns out not to hold hands over to the next, which starts
 * again with fresh counters (nothing was applied yet); rejected lines already reported are not reported twice.
 */
export async function incrementalSync(job: TableJob): Promise<SyncedShape> {
  let reportedThrough = 0;
  const pass: TableJob = {
    ...job,
    onReject: (reject) => {
      if (reject.lineNumber <= reportedThrough) return;
      reportedThrough = reject.lineNumber;
      job.onReject(reject);
    },
  };
  try {
    if (job.kept && !job.fullCompare) {
      const kept = job.kept;
      try {
        job.counters.message = "Diffed against the kept file of its last exact sync (the table was not read).";
        await keptFileSync(pass, kept);
        return { idsInOrder: true };
      } catch (error) {
        if (!(error instanceof KeptFileUnusable)) throw error;
        startOver(job.counters, `Compared with the table: ${error.message}.`);
      }
    }
    const ordered = hasOrdering(job.spec);
    await mergeSync(pass, async (staging) => {
      const reader = await staging.reader();
      // A full compare (a repair) reads each row's content: an UPDATE behind the sync's back leaves row_hash alone.
      if (job.fullCompare) return new RowContentCursor(reader, job.spec, job.hash);
      return new KeyHashCursor(reader, selectKeyHashesSql(job.spec, job.spec.table), ordered);
    });
    // The merge stops at the first id that goes down (FileNotSorted): having run through, the ids were in order.
    return { idsInOrder: true };
  } catch (error) {
    if (!(error instanceof FileNotSorted)) throw error;
    // The database compare goes by row_hash alone: it would miss an UPDATE made behind the sync's back.
    if (job.fullCompare) throw new EtlError("UNSORTED", `${error.message}: a repair compares in key order only.`);
    startOver(job.counters, `${error.message}: compared in the database instead (slower, exact).`);
    await compareUnsorted(pass);
    return { idsInOrder: false };
  }
}

/** Counters back to where a table's sync starts (its stage and the time spent so far stay), with a note why. */
function startOver(counters: TableCounters, note: string): void {
  const { stage, bytesTotal, secondsDownload, secondsLoad, secondsApply, secondsIndex } = counters;
  Object.assign(counters, emptyCounters(), {
    stage,
    bytesTotal,
    secondsDownload,
    secondsLoad,
    secondsApply,
    secondsIndex,
  });
  counters.message = note;
}

/**
 * Stages the changes that `compare` finds (it returns the table's row count, the deletion guard's base), then
 * applies them.
 */
async function stagedSync(job: TableJob, compare: (staging: Staging) => Promise<number>): Promise<void> {
  const staging = await Staging.open(job);
  try {
    const tableRows = await timed(job.counters, "compare", () => compare(staging));
    await applyChanges(job, staging, tableRows);
  } finally {
    await staging.close();
  }
}

/** The kept-file path: the new file diffed against the kept file the table equals (the table is not read). */
function keptFileSync(job: TableJob, kept: KeptFile): Promise<void> {
  return stagedSync(job, async (staging) => {
    staging.startLoads();
    try {
      const tableRows = await diffWithKeptFile(job, kept, staging, (row) => notSorted(job, row));
      await staging.endLoads();
      return tableRows;
    } catch (error) {
      await staging.abortLoads(error as Error);
      throw error;
    }
  });
}

/** The merge path: the file against the table's rows in key order, read back from the table. */
function mergeSync(job: TableJob, openSide: (staging: Staging) => TableSide | Promise<TableSide>): Promise<void> {
  const { spec, counters } = job;
  return stagedSync(job, async (staging) => {
    const table = await openSide(staging);
    try {
      staging.startLoads();
      const merge = new KeyMerge(table, staging, counters, (row) => notSorted(job, row));
      try {
        await merge.start();
        const input = openTableFile(job);
        const onRows = async (rows: ScannedRow[]) => {
          await merge.add(rows);
          await staging.handOver();
        };
        await scanFile(input, spec, job.hash, counters, { onRows, onReject: job.onReject }, job.signal);
        await merge.finish();
        await staging.endLoads();
      } catch (error) {
        table.close();
        // A table cursor stopped mid-stream leaves its connection unusable.
        (await staging.reader()).destroy();
        await staging.abortLoads(error as Error);
        throw error;
      }
      return table.seen;
    } finally {
      table.close();
    }
  });
}

/**
 * A file not in key order (a hand-made subset, a file sorted as text): every good row is loaded into a
 * key-only copy of the table (REPLACE: the last of repeated keys wins), the keys of rejected lines beside it,
 * and the database finds the new, changed and deleted rows by joining the copy with the table. The changes
 * are then staged and applied as the merge's are; no extracted copy of the file is written to disk.
 */
async function compareUnsorted(job: TableJob): Promise<void> {
  const { spec, counters } = job;
  const staging = await Staging.open(job);
  const full = `_full_${spec.table}`;
  const rejectedKeys = `_rejected_${spec.table}`;
  const main = staging.main;
  const keys = keyColumns(spec);
  const on = keys.map((c) => `t.\`${c}\` = f.\`${c}\``).join(" AND ");
  const id = keys[0] as string;
  try {
    await main.query(`DROP TABLE IF EXISTS \`${full}\`, \`${rejectedKeys}\``);
    await main.query(`CREATE TABLE \`${full}\` LIKE \`${spec.table}\``);
    const drop = dropIndexesSql(full, await secondaryIndexes(main, full));
    if (drop) await main.query(drop);
    await main.query(createKeyTableSql(spec, rejectedKeys));
    await timed(counters, "compare", async () => {
      const rows = new RowBatch();
      const rejected = new RowBatch(1 << 16);
      const rowLoad = new LoadStream(main, loadRowsSql(spec, full), job.maxTxnBytes);
      const rejectedLoad = new LoadStream(staging.deletesConnection, loadKeysSql(spec, rejectedKeys), job.maxTxnBytes);
      try {
        const onRows = async (scanned: ScannedRow[]) => {
          for (const row of scanned) {
            if (row.rejected) rejected.addText(hasOrdering(spec) ? `${row.id}\t${row.ordering}\n` : `${row.id}\n`);
            else rows.addRow(row);
          }
          await rowLoad.write(rows.flush());
          await rejectedLoad.write(rejected.flush());
        };
        const input = openTableFile(job);
        await scanFile(input, spec, job.hash, counters, { onRows, onReject: job.onReject }, job.signal);
        const [loaded] = await Promise.all([rowLoad.end(), rejectedLoad.end()]);
        counters.duplicates += loaded.replaced;
      } catch (error) {
        await Promise.all([rowLoad.abort(error as Error), rejectedLoad.abort(error as Error)]);
        throw error;
      }
      const [[sums]] = (await main.query(
        `SELECT COUNT(*) AS total, COALESCE(SUM(t.\`${id}\` IS NULL), 0) AS inserted,
         COALESCE(SUM(t.row_hash <> f.row_hash), 0) AS updated
         FROM \`${full}\` f LEFT JOIN \`${spec.table}\` t ON ${on}`,
      )) as unknown as [[{ total: number; inserted: number; updated: number }]];
      counters.inserted = Number(sums.inserted);
      counters.updated = Number(sums.updated);
      counters.unchanged = Number(sums.total) - counters.inserted - counters.updated;
      const columns = storedColumns(spec)
        .map((c) => `f.\`${c}\``)
        .join(", ");
      await main.query(
        `INSERT INTO \`${staging.stage}\` (${storedColumns(spec)
          .map((c) => `\`${c}\``)
          .join(", ")})
         SELECT ${columns} FROM \`${full}\` f LEFT JOIN \`${spec.table}\` t ON ${on}
         WHERE t.\`${id}\` IS NULL OR t.row_hash <> f.row_hash`,
      );
      const keyList = (alias: string) => keys.map((c) => `${alias}.\`${c}\``).join(", ");
      const [deleted] = await main.query(
        `INSERT INTO \`${staging.deletes}\` (${keys.map((c) => `\`${c}\``).join(", ")})
         SELECT ${keyList("t")} FROM \`${spec.table}\` t
         LEFT JOIN \`${full}\` f ON ${on}
         LEFT JOIN \`${rejectedKeys}\` r ON ${keys.map((c) => `r.\`${c}\` = t.\`${c}\``).join(" AND ")}
         WHERE f.\`${id}\` IS NULL AND r.\`${id}\` IS NULL`,
      );
      counters.deleted = (deleted as { affectedRows: number }).affectedRows;
      await staging.stageGenresOfStagedTitles();
    });
    const [[table]] = (await main.query(`SELECT COUNT(*) AS n FROM \`${spec.table}\``)) as unknown as [[{ n: number }]];
    await applyChanges(job, staging, Number(table.n));
  } finally {
    await main.query(`DROP TABLE IF EXISTS \`${full}\`, \`${rejectedKeys}\``).catch(() => {});
    await staging.close();
  }
}

/** The deletion guard, then the staged changes applied in one transaction (nothing to do: nothing written). */
async function applyChanges(job: TableJob, staging: Staging, tableRows: number): Promise<void> {
  const { counters } = job;
  const withDeletes = counters.deleted > 0 && !guardHolds(job, tableRows, counters);
  if (!withDeletes && counters.deleted > 0) {
    counters.deletesWithheld = counters.deleted;
    counters.deleted = 0;
  }
  if (counters.inserted + counters.updated === 0 && !withDeletes) return;
  await job.handOff?.();
  await timed(counters, "apply", () => staging.apply(withDeletes));
}

function notSorted(job: TableJob, row: { lineNumber: number }): FileNotSorted {
  return new FileNotSorted(`${job.spec.file} is not sorted by ${job.spec.keyFields[0]} (line ${row.lineNumber})`);
}

/**
 * The deletion guard: when the file holds fewer rows than the table by more than the configured share,
 * deletes are withheld (a truncated or partial file must not empty the table) unless forced.
 */
function guardHolds(job: TableJob, tableRows: number, counters: TableCounters): boolean {
  if (job.deleteGuard.force || tableRows === 0) return false;
  const fileRows = counters.read - counters.rejected - counters.duplicates;
  const shrink = (tableRows - fileRows) / tableRows;
  if (shrink <= job.deleteGuard.share) return false;
  const withheld =
    `Deletes withheld: the file has ${fileRows} rows against ${tableRows} in the table ` +
    `(${(shrink * 100).toFixed(1)} % fewer, guard ${(job.deleteGuard.share * 100).toFixed(0)} %). ` +
    "Run again with force-deletes to apply them.";
  counters.message = counters.message ? `${counters.message} ${withheld}` : withheld;
  return true;
}
