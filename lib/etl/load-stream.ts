/**
 * Feeds `LOAD DATA LOCAL INFILE` from a Node stream (mysql2's infileStreamFactory): no temporary files.
 * Writers batch rows into buffers and wait when the server falls behind, so memory stays bounded.
 */
import { once } from "node:events";
import { PassThrough, type Writable } from "node:stream";
import type { Pool, PoolConnection } from "mysql2/promise";

export interface LoadResult {
  affectedRows: number;
  /** Rows replaced by a later row with the same key (REPLACE), i.e. duplicate keys. */
  replaced: number;
}

function parseInfo(result: unknown): LoadResult {
  const header = (Array.isArray(result) ? result[0] : result) as { affectedRows?: number; info?: string };
  const deleted = /Deleted:\s*(\d+)/.exec(header.info ?? "");
  return { affectedRows: header.affectedRows ?? 0, replaced: Number(deleted?.[1] ?? 0) };
}

/**
 * mysql2 writes LOAD DATA packets to the socket without waiting for it to drain, so back-pressure is
 * taken here: a writer waits while more than this many bytes sit unsent in the socket's buffer. Like the
 * stream's own 1 MB, enough to keep the server busy; more only holds more rows in memory.
 */
const maxUnsentBytes = 1 << 20;

/** One LOAD DATA statement in flight; write() rows to it, then end() and await the result. */
class LoadStatement {
  private readonly stream = new PassThrough({ highWaterMark: 1 << 20 });
  private readonly socket: Writable | undefined;
  private readonly result: Promise<LoadResult>;
  private failure: Promise<never>;
  /** Set once mysql2 has asked for the stream (the server requested the file) and listens to it. */
  private taken = false;
  private abortedWith: Error | undefined;

  constructor(connection: PoolConnection, sql: string) {
    this.socket = (connection.connection as unknown as { stream?: Writable }).stream;
    // The error of an aborted stream reaches the query through mysql2's own listener; this one only keeps
    // an error emitted while mysql2 is not listening from becoming an uncaught exception.
    this.stream.on("error", () => {});
    const factory = () => {
      this.taken = true;
      const error = this.abortedWith;
      // Aborted before the server asked for the file: fail the stream once mysql2 has attached its listeners.
      if (error) setImmediate(() => this.stream.destroy(error));
      return this.stream;
    };
    this.result = connection.query({ sql, infileStreamFactory: factory }).then(parseInfo);
    this.failure = this.result.then(() => new Promise<never>(() => {}));
    this.failure.catch(() => {});
    this.result.catch(() => this.stream.destroy());
  }

  async write(chunk: Buffer): Promise<void> {
    if (chunk.length === 0) return;
    if (!this.stream.write(chunk)) await Promise.race([once(this.stream, "drain"), this.failure]);
    if (this.socket && this.socket.writableLength > maxUnsentBytes) {
      await Promise.race([once(this.socket, "drain"), this.failure]);
    }
  }

  end(): Promise<LoadResult> {
    this.stream.end();
    return this.result;
  }

  /**
   * Stops the statement: the stream fails, mysql2 ends the file early and the query rejects. Rows already
   * sent may stay in the target (a shadow or staging table), so the caller must drop that table.
   * A stream destroyed before mysql2 takes it would never end (the query would hang until the server's
   * read timeout), so an early abort is deferred until the server asks for the file.
   */
  async abort(error: Error): Promise<void> {
    if (this.taken) this.stream.destroy(error);
    else this.abortedWith = error;
    await this.result.catch(() => undefined);
  }
}

/**
 * LOAD DATA from a stream, as one statement, or as several when `maxStatementBytes` is given: a statement is
 * ended (and, with autocommit, committed) before a batch would take it past that many bytes, and the next
 * batch opens the next statement. Each statement is a transaction of its own, so a cluster's writeset limit
 * (Galera's wsrep_max_ws_size, Group Replication's transaction size limit) is never reached; batches are
 * never split, so one batch larger than the limit makes a statement of its own. Callers load into tables no
 * reader sees (a first build's copy, staging tables), so committing part of a file shows nothing half-done.
 */
export class LoadStream {
  private statement: LoadStatement;
  private bytes = 0;
  private readonly total: LoadResult = { affectedRows: 0, replaced: 0 };
  /** Statements sent so far (more than one when the load was split). */
  statements = 1;

  constructor(
    private readonly connection: PoolConnection,
    private readonly sql: string,
    private readonly maxStatementBytes = Number.POSITIVE_INFINITY,
  ) {
    this.statement = new LoadStatement(connection, sql);
  }

  async write(chunk: Buffer): Promise<void> {
    if (chunk.length === 0) return;
    if (this.bytes > 0 && this.bytes + chunk.length > this.maxStatementBytes) {
      this.add(await this.statement.end());
      this.statement = new LoadStatement(this.connection, this.sql);
      this.statements++;
      this.bytes = 0;
    }
    this.bytes += chunk.length;
    await this.statement.write(chunk);
  }

  /** Ends the last statement; the counts are summed over all of them. */
  async end(): Promise<LoadResult> {
    this.add(await this.statement.end());
    return this.total;
  }

  /** Stops the statement in flight (see LoadStatement.abort); statements already ended stay committed. */
  abort(error: Error): Promise<void> {
    return this.statement.abort(error);
  }

  private add(result: LoadResult): void {
    this.total.affectedRows += result.affectedRows;
    this.total.replaced += result.replaced;
  }
}

const emptyBuffer = Buffer.alloc(0);
const TAB = 9;
const NEWLINE = 10;
const ZERO = 48;

/**
 * Collects rows in one buffer that is kept for the whole sync; flush() hands over a copy of exactly the
 * bytes collected. (Handing over the buffer itself and allocating a new one per batch left a mostly empty
 * buffer of `capacity` bytes behind every batch, alive until the LOAD DATA had sent it.)
 *
 * A batch counts as full at half its capacity in bytes as well as at a number of rows (isFull), so its buffer
 * grows only for a single row longer than that. Counted in rows alone, 20,000 staged rows of the wider files
 * grew the buffers to 2–4 MB each, 13 MB of the engine's live buffers in a 1 % run at full size.
 */
export class RowBatch {
  private buf: Buffer;
  private length = 0;
  rows = 0;

  constructor(capacity = 1 << 20) {
    this.buf = Buffer.allocUnsafe(capacity);
  }

  /** Whether to hand the batch over now: it holds `maxRows` rows, or half its buffer. */
  isFull(maxRows: number): boolean {
    return this.rows >= maxRows || this.length >= this.buf.length >>> 1;
  }

  private ensure(extra: number): void {
    if (this.length + extra <= this.buf.length) return;
    const grown = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.length + extra));
    this.buf.copy(grown, 0, 0, this.length);
    this.buf = grown;
  }

  /**
   * Appends a row as LOAD DATA takes it (sql.ts): `<id>\t<row_hash as 16 hex digits>\t<the line's bytes>\n`.
   * Written digit by digit: building a string per row was the first build's main garbage.
   */
  addRow(row: { id: number; hash: bigint; buf: Buffer; start: number; end: number }): void {
    this.ensure(10 + 1 + 16 + 1 + (row.end - row.start) + 1);
    const buf = this.buf;
    let at = this.length;
    let digits = 1;
    for (let rest = row.id; rest >= 10; rest = Math.floor(rest / 10)) digits++;
    for (let i = at + digits - 1, rest = row.id; i >= at; i--, rest = Math.floor(rest / 10)) buf[i] = 48 + (rest % 10);
    at += digits;
    buf[at++] = TAB;
    const hex = row.hash.toString(16);
    for (let i = hex.length; i < 16; i++) buf[at++] = ZERO;
    at += buf.write(hex, at, "latin1");
    buf[at++] = TAB;
    at += row.buf.copy(buf, at, row.start, row.end);
    buf[at++] = NEWLINE;
    this.length = at;
    this.rows++;
  }

  addText(text: string): void {
    this.ensure(Buffer.byteLength(text));
    this.length += this.buf.write(text, this.length, "utf8");
    this.rows++;
  }

  /** Hands the batch over as a copy and starts the next one in the same buffer. */
  flush(): Buffer {
    if (this.length === 0) return emptyBuffer;
    const out = Buffer.copyBytesFrom(this.buf, 0, this.length);
    this.length = 0;
    this.rows = 0;
    return out;
  }
}

/**
 * A connection for long streaming statements. A LOAD DATA of changed rows can wait minutes between rows
 * while an unchanged stretch of a big file goes by, and a key cursor can be paused as long while the
 * merge waits on a load: the server's default net_read_timeout (30 s) / net_write_timeout (60 s) would
 * drop such a connection mid-sync, so they are raised for the session. With `fragmentBytes` (a Galera node)
 * the session also uses streaming replication: a transaction that must stay whole (an incremental run's
 * apply) is replicated in fragments of that size, so it never meets the cluster's writeset limit.
 */
export async function streamingConnection(pool: Pool, fragmentBytes?: number): Promise<PoolConnection> {
  const connection = await pool.getConnection();
  try {
    await connection.query("SET SESSION net_read_timeout = 3600, net_write_timeout = 3600");
    if (fragmentBytes !== undefined) {
      await connection.query("SET SESSION wsrep_trx_fragment_unit = 'bytes', wsrep_trx_fragment_size = ?", [
        fragmentBytes,
      ]);
    }
  } catch (error) {
    connection.release();
    throw error;
  }
  return connection;
}
