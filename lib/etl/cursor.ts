/**
 * Streams a table's (key, row_hash) pairs in primary-key order — the files' own numeric order — in
 * batches, pausing the server stream while a batch is consumed. The merge awaits only between batches.
 */
import type { Readable } from "node:stream";
import type { Connection } from "mysql2";
import type { PoolConnection } from "mysql2/promise";

type KeyRow = [number, number, Buffer] | [number, Buffer];

export class KeyHashCursor {
  private queue: KeyRow[] = [];
  private rows: KeyRow[] = [];
  private index = 0;
  private ended = false;
  private failure: Error | undefined;
  private wake: (() => void) | undefined;
  private readonly stream: Readable;
  /** Rows the table held when the cursor was opened (known once it is exhausted). */
  seen = 0;

  constructor(
    connection: PoolConnection,
    sql: string,
    private readonly hasOrdering: boolean,
    private readonly batchSize = 4096,
  ) {
    const callbackConnection = connection.connection as unknown as Connection;
    this.stream = callbackConnection.query({ sql, rowsAsArray: true }).stream({ highWaterMark: batchSize });
    this.stream.on("data", (row: KeyRow) => {
      this.queue.push(row);
      if (this.queue.length >= this.batchSize) this.stream.pause();
      if (this.queue.length === 1 || this.queue.length >= this.batchSize) this.signal();
    });
    this.stream.on("end", () => {
      this.ended = true;
      this.signal();
    });
    this.stream.on("error", (error: Error) => {
      this.failure = error;
      this.signal();
    });
  }

  private signal(): void {
    const wake = this.wake;
    this.wake = undefined;
    wake?.();
  }

  /** True when a current row is available without waiting. */
  get ready(): boolean {
    return this.index < this.rows.length;
  }

  /** Waits for the next batch; false when the table is exhausted. */
  async fill(): Promise<boolean> {
    while (this.queue.length === 0 && !this.ended && !this.failure) {
      await new Promise<void>((resolve) => {
        this.wake = resolve;
      });
    }
    if (this.failure) throw this.failure;
    this.rows = this.queue;
    this.index = 0;
    this.queue = [];
    if (!this.ended) this.stream.resume();
    return this.rows.length > 0;
  }

  get id(): number {
    return (this.rows[this.index] as KeyRow)[0];
  }

  get ordering(): number {
    return this.hasOrdering ? ((this.rows[this.index] as [number, number, Buffer])[1] as number) : 0;
  }

  get hash(): bigint {
    const row = this.rows[this.index] as KeyRow;
    return (row[row.length - 1] as Buffer).readBigUInt64BE(0);
  }

  /** The current row as the server sent it: the key columns, then what the query selects after them. */
  protected get current(): readonly unknown[] {
    return this.rows[this.index] as readonly unknown[];
  }

  next(): void {
    this.index++;
    this.seen++;
  }

  /** Stops reading early (on failure); the connection is then unusable and must be destroyed. */
  close(): void {
    this.stream.destroy();
  }
}
