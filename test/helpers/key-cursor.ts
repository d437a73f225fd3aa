import type { KeyCursor } from "../../lib/etl/merge";

/**
 * The table side of a merge from [id, ordering, hash] rows in key order, handed out `batchSize` rows per
 * fill() (small batches test the merge's waits between batches); `seen` counts the rows taken.
 */
export function tableCursor(rows: [number, number, bigint][], batchSize = rows.length): KeyCursor & { seen: number } {
  let batch: [number, number, bigint][] = [];
  let index = 0;
  let taken = 0;
  let seen = 0;
  return {
    get ready() {
      return index < batch.length;
    },
    async fill() {
      batch = rows.slice(taken, taken + Math.max(1, batchSize));
      taken += batch.length;
      index = 0;
      return batch.length > 0;
    },
    get id() {
      return batch[index]?.[0] ?? -1;
    },
    get ordering() {
      return batch[index]?.[1] ?? -1;
    },
    get hash() {
      return batch[index]?.[2] ?? 0n;
    },
    next() {
      index++;
      seen++;
    },
    get seen() {
      return seen;
    },
  };
}
