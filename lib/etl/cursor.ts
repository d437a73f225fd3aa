/**
 * Streams a table's (key, row_hash) pairs in primary-key order — the files' own numeric order — in
 * batches, pausing the server stream while a batch is consumed. The merge awaits only between batches.
 */
import type { Readable } from "node:stream";
import type { Connection } from "mysql2";
import type { PoolConnection } from "mysql2/promise";

/**
 * Keys and hashes are copied out of each row as it arrives, into plain arrays: the row array and its Buffer
 * die young. Kept until their batch was merged, they outlived V8's young collections and piled up as old
 * garbage (with 4 MB semi-spaces a table read peaked at 165 MB against 121 MB).
 */
export class KeyHashCursor {
  private queuedKeys: number[] = [];
  private queuedHashes: bigint[] = [];
  private keys: number[] = [];
  private hashes: bigint[] = [];
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
    this.stream.on("data", (row: unknown[]) => {
      this.queuedKeys.push(row[0] as number, this.hasOrdering ? (row[1] as number) : 0);
      this.queuedHashes.push(this.rowHash(row));
      const queued = this.queuedHashes.length;
      if (queued >= this.batchSize) this.stream.pause();
      if (queued === 1 || queued >= this.batchSize) this.signal();
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
    return this.index < this.hashes.length;
  }

  /** Waits for the next batch; false when the table is exhausted. */
  async fill(): Promise<boolean> {
    while (this.queuedHashes.length === 0 && !this.ended && !this.failure) {
      await new Promise<void>((resolve) => {
        this.wake = resolve;
      });
    }
    if (this.failure) throw this.failure;
    [this.keys, this.hashes] = [this.queuedKeys, this.queuedHashes];
    [this.queuedKeys, this.queuedHashes] = [[], []];
    this.index = 0;
    if (!this.ended) this.stream.resume();
    return this.hashes.length > 0;
  }

  get id(): number {
    return this.keys[this.index * 2] as number;
  }

  get ordering(): number {
    return this.keys[this.index * 2 + 1] as number;
  }

  get hash(): bigint {
    return this.hashes[this.index] as bigint;
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
