/**
 * The staging side of an incremental sync (incremental.ts): the changed rows, the deleted keys and the genre
 * rows go by LOAD DATA into temporary tables of the connection that applies them, then one transaction writes
 * them into the table, logs the changes and keeps title_genres and the genre counts in step.
 */
import type { PoolConnection, RowDataPacket } from "mysql2/promise";
import { hasOrdering } from "../catalog/datasets";
import { adjustGenreCounts, GenreSink, removeEmptyGenres } from "./genres";
import { raiseHorizon } from "./history";
import { createTemporaryLike } from "./indexes";
import { LoadStream, RowBatch, streamingConnection } from "./load-stream";
import type { MergeOutput } from "./merge";
import type { ScannedRow } from "./scan";
import { markDirtySql } from "./search-index";
import {
  createKeyTableSql,
  deleteByKeysSql,
  loadKeysSql,
  loadRowsSql,
  logDeletedRowsSql,
  logStagedChangesSql,
  upsertSql,
} from "./sql";
import type { TableJob } from "./table-job";

const genreStage = "_stage_title_genres";

/** The connections of one incremental sync, named by what each one carries. */
interface StagingConnections {
  /** Creates the stage tables, carries the changed rows' LOAD DATA, then the apply transaction. */
  main: PoolConnection;
  /**
   * Streams the table's (key, row_hash) rows for the merge (taken only when the table is read); destroyed,
   * not reused, if the merge stops early.
   */
  reader?: PoolConnection;
  /** Carries the deleted keys' LOAD DATA. */
  deletes: PoolConnection;
}

/** The staging side of one incremental sync: its tables, connections, LOAD DATA streams and batches. */
export class Staging implements MergeOutput {
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
      const connection = await streamingConnection(job.pool, job.fragmentBytes);
      opened.push(connection);
      return connection;
    };
    let staging: Staging;
    try {
      const connections: StagingConnections = { main: await take(), deletes: await take() };
      const genres =
        job.spec.table === "title_basics" ? await GenreSink.open(job.pool, genreStage, job.maxTxnBytes) : undefined;
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

  /** The reader connection, taken from the pool on first use. */
  async reader(): Promise<PoolConnection> {
    this.connections.reader ??= await streamingConnection(this.job.pool);
    return this.connections.reader;
  }

  get deletesConnection(): PoolConnection {
    return this.connections.deletes;
  }

  /**
   * The stage of changed rows is a TEMPORARY table of the main connection, which alone loads, reads and applies
   * it: it lives in InnoDB's temporary tablespace, so it is neither created as a file (the DDL log synced) nor
   * grown by a synced fallocate every few pages, as a table of its own would be. Those syncs were some 700 per
   * 1 % run at 0.01×, most of them growing the stage files. The deleted keys and the genre rows are loaded on
   * connections of their own, so their tables are ordinary ones (they stay small).
   */
  private async createTables(): Promise<void> {
    const { spec } = this.job;
    await this.dropTables();
    await createTemporaryLike(this.main, spec.table, this.stage);
    await this.main.query(createKeyTableSql(spec, this.deletes));
    if (this.genres) {
      await this.main.query(
        `CREATE TABLE ${genreStage} (tid INT UNSIGNED NOT NULL, genre_id SMALLINT UNSIGNED NOT NULL)`,
      );
    }
  }

  async dropTables(): Promise<void> {
    // The genre stage is title_basics' alone: another table's sync must not drop it from under it.
    const genres = this.genres ? `, ${genreStage}` : "";
    await this.main.query(`DROP TEMPORARY TABLE IF EXISTS \`${this.stage}\``);
    // The stage's name again: an ordinary table of that name is one left by a run under an earlier version.
    await this.main.query(`DROP TABLE IF EXISTS \`${this.stage}\`, \`${this.deletes}\`${genres}`);
  }

  startLoads(): void {
    const { spec } = this.job;
    const max = this.job.maxTxnBytes;
    this.rowLoad = new LoadStream(this.main, loadRowsSql(spec, this.stage), max);
    this.deleteLoad = new LoadStream(this.connections.deletes, loadKeysSql(spec, this.deletes), max);
    this.genres?.start();
  }

  private stageRow(row: ScannedRow): void {
    this.rows.addRow(row);
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

  unchanged(rows = 1): void {
    this.job.counters.unchanged += rows;
  }

  delete(id: number, ordering: number): void {
    this.job.counters.deleted++;
    this.deletedKeys.addText(hasOrdering(this.job.spec) ? `${id}\t${ordering}\n` : `${id}\n`);
  }

  between(): Promise<void> | undefined {
    const full = this.rows.isFull(this.job.chunkRows) || this.deletedKeys.isFull(this.job.chunkRows);
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
    const upserts = counters.inserted + counters.updated > 0;
    await main.beginTransaction();
    try {
      await this.logChanges(upserts, withDeletes);
      await this.noteForSearch(upserts, withDeletes);
      if (withDeletes) await main.query(deleteByKeysSql(spec, spec.table, this.deletes));
      if (upserts) await main.query(upsertSql(spec, spec.table, this.stage));
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

  /**
   * The change log of this apply, inside its transaction and before the main table is overwritten (the old rows
   * are read from it). With the table's history off, the horizon moves past this run instead: the table as it
   * was before it can no longer be rebuilt.
   */
  private async logChanges(upserts: boolean, withDeletes: boolean): Promise<void> {
    const { spec, history } = this.job;
    const main = this.main;
    if (!history.track) return raiseHorizon(main, spec.table, history.runId);
    // The table's first logged run: what came before it was never logged.
    await raiseHorizon(main, spec.table, history.runId - 1, true);
    if (upserts) await main.query(logStagedChangesSql(spec, spec.table, this.stage), [history.runId]);
    if (withDeletes) await main.query(logDeletedRowsSql(spec, spec.table, this.deletes), [history.runId]);
  }

  /**
   * Notes the keys written for the search index's refresh at the run's end, in this same transaction, before the
   * upsert (a staged row is compared with the row it replaces).
   */
  private async noteForSearch(upserts: boolean, withDeletes: boolean): Promise<void> {
    const { spec, history } = this.job;
    if (!this.job.searchIndex) return;
    if (upserts) {
      const sql = markDirtySql(spec, this.stage, true);
      if (sql) await this.main.query(sql, [history.runId]);
    }
    if (withDeletes) {
      const sql = markDirtySql(spec, this.deletes);
      if (sql) await this.main.query(sql, [history.runId]);
    }
  }

  /**
   * The genre rows of the staged titles, read back from the stage table: the unsorted path stages its rows in
   * SQL, not from the scan.
   */
  async stageGenresOfStagedTitles(): Promise<void> {
    const genres = this.genres;
    if (!genres) return;
    genres.start();
    try {
      for (let after = -1; ; ) {
        const [rows] = await this.main.query<RowDataPacket[]>(
          `SELECT tid, genres FROM \`${this.stage}\` WHERE tid > ? ORDER BY tid LIMIT 10000`,
          [after],
        );
        const last = rows.at(-1);
        if (!last) break;
        for (const row of rows) genres.addGenres(Number(row.tid), row.genres === null ? null : String(row.genres));
        after = Number(last.tid);
        await genres.flush();
      }
      await genres.end();
    } catch (error) {
      await genres.abort(error as Error);
      throw error;
    }
  }

  async close(): Promise<void> {
    await this.dropTables().catch(() => {});
    for (const c of Object.values(this.connections)) c?.release();
    this.genres?.release();
  }
}
