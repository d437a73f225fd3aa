/**
 * Streams a table's (key, row_hash) pairs in primary-key order — the files' own numeric order — in
 * batches, pausing the server stream while a batch is consumed. The merge awaits only between batches.
 */
import type { Readable } from "node:stream";
import type { Connection } from "mysql2";
import type { PoolConnection } from "mysql2/promise";

/** One batch of the table's rows: ids, orderings and hashes in typed arrays, filled in place. */
class KeyBatch {
  readonly ids: Float64Array;
  readonly orderings: Uint32Array;
  readonly hashes: BigUint64Array;
  length = 0;

  constructor(size: number) {
    this.ids = new Float64Array(size);
    this.orderings = new Uint32Array(size);
    this.hashes = new BigUint64Array(size);
  }

  /** A copy twice the size: a row that arrives after the stream was paused on a full batch is not lost. */
  grown(): KeyBatch {
    const bigger = new KeyBatch(this.ids.length * 2);
    bigger.ids.set(this.ids);
    bigger.orderings.set(this.orderings);
    bigger.hashes.set(this.hashes);
    bigger.length = this.length;
    return bigger;
  }
}

/**
 * Keys and hashes are copied out of each row as it arrives, into two preallocated batches (one filled by the
 * server stream, one merged) that are swapped: no object per row outlives its arrival. Row arrays, or BigInts
 * kept in plain arrays until their batch was merged, outlived V8's young collections and piled up as old
 * garbage; so did rows buffered in the stream while it was paused, hence its small high-water mark.
 */
export class KeyHashCursor {
  private queued: KeyBatch;
  private current: KeyBatch;
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
    this.queued = new KeyBatch(batchSize);
    this.current = new KeyBatch(batchSize);
    const callbackConnection = connection.connection as unknown as Connection;
    this.stream = callbackConnection.query({ sql, rowsAsArray: true }).stream({ highWaterMark: 64 });
    this.stream.on("data", (row: unknown[]) => {
      if (this.queued.length === this.queued.ids.length) this.queued = this.queued.grown();
      const batch = this.queued;
      const at = batch.length++;
      batch.ids[at] = row[0] as number;
      if (this.hasOrdering) batch.orderings[at] = row[1] as number;
      batch.hashes[at] = this.rowHash(row);
      if (batch.length >= this.batchSize) this.stream.pause();
      if (batch.length === 1 || batch.length >= this.batchSize) this.signal();
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

  /** The row's hash as the merge compares it: here the stored row_hash, the row's last column. */
  protected rowHash(row: readonly unknown[]): bigint {
    return (row[row.length - 1] as Buffer).readBigUInt64BE(0);
  }

  private signal(): void {
    const wake = this.wake;
    this.wake = undefined;
    wake?.();
  }

  /** True when a current row is available without waiting. */
  get ready(): boolean {
    return this.index < this.current.length;
  }

  /** Waits for the next batch; false when the table is exhausted. */
  async fill(): Promise<boolean> {
    while (this.queued.length === 0 && !this.ended && !this.failure) {
      await new Promise<void>((resolve) => {
        this.wake = resolve;
      });
    }
    if (this.failure) throw this.failure;
    [this.current, this.queued] = [this.queued, this.current];
    this.queued.length = 0;
    this.index = 0;
    if (!this.ended) this.stream.resume();
    return this.current.length > 0;
  }

  get id(): number {
    return this.current.ids[this.index] as number;
  }

  get ordering(): number {
    return this.hasOrdering ? (this.current.orderings[this.index] as number) : 0;
  }

  get hash(): bigint {
    return this.current.hashes[this.index] as bigint;
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
