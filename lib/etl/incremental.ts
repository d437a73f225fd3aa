/**
 * Incremental sync of one table: the file is merged with the table (merge.ts) and only the new and changed
 * rows and the deleted keys are staged with LOAD DATA, then applied in one transaction, with title_genres
 * kept in step for those titles only. An unchanged file writes nothing; the deletion guard can hold
 * deletes back.
 */
import type { PoolConnection } from "mysql2/promise";
import { KeyHashCursor } from "./cursor";
import { EtlError } from "./errors";
import { adjustGenreCounts, GenreSink, removeEmptyGenres } from "./genres";
import { hashHex } from "./hash";
import { LoadStream, RowBatch, streamingConnection } from "./load-stream";
import { KeyMerge, type MergeOutput } from "./merge";
import { type ScannedRow, scanFile } from "./scan";
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
import { type TableCounters, type TableJob, timed } from "./table-job";

const genreStage = "_stage_title_genres";

/** The connections of one incremental sync, named by what each one carries. */
interface StagingConnections {
  /** Creates the stage tables, carries the changed rows' LOAD DATA, then the apply transaction. */
  main: PoolConnection;
  /** Streams the table's (key, row_hash) rows for the merge; destroyed, not reused, if the merge stops early. */
  reader: PoolConnection;
  /** Carries the deleted keys' LOAD DATA. */
  deletes: PoolConnection;
}

/** The staging side of one incremental sync: its tables, connections, LOAD DATA streams and batches. */
class Staging implements MergeOutput {
  readonly stage: string;
  readonly deletes: string;
  private readonly rows = new RowBatch();
  private readonly deletedKeys = new RowBatch(1 << 16);
  private rowLoad!: LoadStream;
  private deleteLoad!: LoadStream;

  private constructor(
    private readonly job: TableJob,
    private readonly connections: StagingConnections,
    private readonly genres: GenreSink | undefined,
  ) {
    this.stage = `_stage_${job.spec.table}`;
    this.deletes = `_delete_${job.spec.table}`;
  }

  static async open(job: TableJob): Promise<Staging> {
    const opened: PoolConnection[] = [];
    const take = async () => {
      const connection = await streamingConnection(job.pool);
      opened.push(connection);
      return connection;
    };
    let staging: Staging;
    try {
      const connections = { main: await take(), reader: await take(), deletes: await take() };
      const genres = job.spec.table === "title_basics" ? await GenreSink.open(job.pool, genreStage) : undefined;
      staging = new Staging(job, connections, genres);
    } catch (error) {
      for (const c of opened) c.release();
      throw error;
    }
    try {
      await staging.createTables();
    } catch (error) {
      await staging.close();
      throw error;
    }
    return staging;
  }

  get main(): PoolConnection {
    return this.connections.main;
  }

  get reader(): PoolConnection {
    return this.connections.reader;
  }

  private async createTables(): Promise<void> {
    const { spec } = this.job;
    await this.dropTables();
    await this.main.query(`CREATE TABLE \`${this.stage}\` LIKE \`${spec.table}\``);
    await this.main.query(createKeyTableSql(spec, this.deletes));
    if (this.genres) {
      await this.main.query(
        `CREATE TABLE ${genreStage} (tid INT UNSIGNED NOT NULL, genre_id SMALLINT UNSIGNED NOT NULL)`,
      );
    }
  }

  dropTables() {
    return this.main.query(`DROP TABLE IF EXISTS \`${this.stage}\`, \`${this.deletes}\`, ${genreStage}`);
  }

  startLoads(): void {
    const { spec } = this.job;
    this.rowLoad = new LoadStream(this.main, loadRowsSql(spec, this.stage));
    this.deleteLoad = new LoadStream(this.connections.deletes, loadKeysSql(spec, this.deletes));
    this.genres?.start();
  }

  private stageRow(row: ScannedRow): void {
    this.rows.add(`${row.id}\t${hashHex(row.hash)}\t`, row.buf, row.start, row.end);
    this.genres?.add(row);
  }

  insert(row: ScannedRow): void {
    this.job.counters.inserted++;
    this.stageRow(row);
  }

  update(row: ScannedRow): void {
    this.job.counters.updated++;
    this.stageRow(row);
  }

  unchanged(): void {
    this.job.counters.unchanged++;
  }

  delete(id: number, ordering: number): void {
    this.job.counters.deleted++;
    this.deletedKeys.addText(keyColumns(this.job.spec).length === 2 ? `${id}\t${ordering}\n` : `${id}\n`);
  }

  between(): Promise<void> | undefined {
    const full = this.rows.rows >= this.job.chunkRows || this.deletedKeys.size >= 1 << 20;
    return full ? this.handOver() : undefined;
  }

  /** Hands the collected rows, deleted keys and genre rows to their LOAD DATA streams. */
  async handOver(): Promise<void> {
    await this.rowLoad.write(this.rows.flush());
    await this.deleteLoad.write(this.deletedKeys.flush());
    await this.genres?.flush();
  }

  async endLoads(): Promise<void> {
    await this.handOver();
    await Promise.all([this.rowLoad.end(), this.deleteLoad.end(), this.genres?.end()]);
  }

  async abortLoads(error: Error): Promise<void> {
    await Promise.all([this.rowLoad.abort(error), this.deleteLoad.abort(error), this.genres?.abort(error)]);
  }

  /** Writes the staged changes into the table in one transaction. */
  async apply(withDeletes: boolean): Promise<void> {
    const { spec, counters } = this.job;
    const main = this.main;
    await main.beginTransaction();
    try {
      if (withDeletes) await main.query(deleteByKeysSql(spec, spec.table, this.deletes));
      if (counters.inserted + counters.updated > 0) await main.query(upsertSql(spec, spec.table, this.stage));
      if (this.genres) {
        await this.genres.saveNew(main);
        const deletedTitles = withDeletes ? this.deletes : undefined;
        await adjustGenreCounts(main, { stagedTitles: this.stage, deletedTitles, stagedGenres: genreStage });
        await main.query(`DELETE tg FROM title_genres tg JOIN \`${this.stage}\` s ON s.tid = tg.tid`);
        if (withDeletes) {
          await main.query(`DELETE tg FROM title_genres tg JOIN \`${this.deletes}\` d ON d.tid = tg.tid`);
        }
        await main.query(`INSERT INTO title_genres (tid, genre_id) SELECT tid, genre_id FROM ${genreStage}`);
        await removeEmptyGenres(main);
      }
      await main.commit();
    } catch (error) {
      await main.rollback().catch(() => {});
      throw error;
    }
  }

  async close(): Promise<void> {
    await this.dropTables().catch(() => {});
    for (const c of Object.values(this.connections)) c.release();
    this.genres?.release();
  }
}

export async function incrementalSync(job: TableJob): Promise<void> {
  const { spec, counters } = job;
  const staging = await Staging.open(job);
  const cursor = new KeyHashCursor(staging.reader, selectKeyHashesSql(spec, spec.table), keyColumns(spec).length === 2);
  try {
    staging.startLoads();
    const merge = new KeyMerge(cursor, staging, counters, (row) => unsortedError(job, row));
    await timed(counters, "compare", async () => {
      try {
        await merge.start();
        const input = openBytes(job.file, (n) => {
          counters.bytesRead += n;
        });
        const onRows = async (rows: ScannedRow[]) => {
          await merge.add(rows);
          await staging.handOver();
        };
        await scanFile(input, spec, job.hash, counters, { onRows, onReject: job.onReject }, job.signal);
        await merge.finish();
        await staging.endLoads();
      } catch (error) {
        cursor.close();
        staging.reader.destroy();
        await staging.abortLoads(error as Error);
        throw error;
      }
    });

    const withDeletes = counters.deleted > 0 && !guardHolds(job, cursor.seen, counters);
    if (!withDeletes && counters.deleted > 0) {
      counters.deletesWithheld = counters.deleted;
      counters.deleted = 0;
    }
    if (counters.inserted + counters.updated === 0 && !withDeletes) return;
    await timed(counters, "apply", () => staging.apply(withDeletes));
  } finally {
    cursor.close();
    await staging.close();
  }
}

function unsortedError(job: TableJob, row: ScannedRow): EtlError {
  return new EtlError(
    "UNSORTED",
    `${job.spec.file} is not sorted by ${job.spec.keyFields[0]} at line ${row.lineNumber}; an incremental sync needs the IMDb order (run a first build instead).`,
  );
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
  counters.message =
    `Deletes withheld: the file has ${fileRows} rows against ${tableRows} in the table ` +
    `(${(shrink * 100).toFixed(1)} % fewer, guard ${(job.deleteGuard.share * 100).toFixed(0)} %). ` +
    "Run again with force-deletes to apply them.";
  return true;
}
