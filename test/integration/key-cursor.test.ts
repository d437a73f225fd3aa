/**
 * KeyHashCursor against the real server: every (id, ordering, row_hash) of a table comes out once, in key
 * order, whatever the batch size and however slowly the merge takes the batches (the stream is paused on a
 * full batch and resumed on the next fill, and its two batches are reused in turn).
 */
import { setTimeout as sleep } from "node:timers/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { closePools, getPool } from "../../lib/db";
import { KeyHashCursor } from "../../lib/etl/cursor";
import { streamingConnection } from "../../lib/etl/load-stream";
import { createTestDatabase, type TestDatabase } from "../helpers/database";

const rowCount = 20_000;

/** Row i: title i/3 (ids beyond 2^32 too, as Float64Array must keep them), orderings 1–3, a hash of all 64 bits. */
function expectedRow(i: number): [number, number, bigint] {
  const id = Math.floor(i / 3) * 1000 + (i % 7 === 0 ? 2 ** 33 : 0);
  return [id, (i % 3) + 1, (BigInt(i) * 0x9e3779b97f4a7c15n) & 0xffffffffffffffffn];
}

describe("KeyHashCursor", () => {
  let db: TestDatabase;
  let expected: [number, number, bigint][];

  beforeAll(async () => {
    db = await createTestDatabase("key_cursor");
    const pool = getPool(db.url);
    await pool.query(
      "CREATE TABLE pairs (tid BIGINT UNSIGNED NOT NULL, ordering SMALLINT UNSIGNED NOT NULL, row_hash BINARY(8) NOT NULL, PRIMARY KEY (tid, ordering))",
    );
    expected = Array.from({ length: rowCount }, (_, i) => expectedRow(i));
    for (let at = 0; at < rowCount; at += 5000) {
      const values = expected.slice(at, at + 5000).map(([id, ordering, hash]) => {
        const bytes = Buffer.alloc(8);
        bytes.writeBigUInt64BE(hash);
        return [id, ordering, bytes];
      });
      await pool.query("INSERT INTO pairs (tid, ordering, row_hash) VALUES ?", [values]);
    }
    expected.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  });

  afterAll(async () => {
    await closePools();
    await db.drop();
  });

  async function readAll(batchSize: number, slow: boolean) {
    const connection = await streamingConnection(getPool(db.url));
    try {
      const cursor = new KeyHashCursor(
        connection,
        "SELECT tid, ordering, row_hash FROM pairs ORDER BY tid, ordering",
        true,
        batchSize,
      );
      const rows: [number, number, bigint][] = [];
      while (await cursor.fill()) {
        // A slow merge: the server keeps sending while the stream is meant to be paused.
        if (slow) await sleep(2);
        while (cursor.ready) {
          rows.push([cursor.id, cursor.ordering, cursor.hash]);
          cursor.next();
        }
      }
      return { rows, seen: cursor.seen };
    } finally {
      connection.release();
    }
  }

  it.each([
    [1, false],
    [50, true],
    [4096, false],
    [4096, true],
  ])("hands out every row once, in key order, with batches of %i (slow merge: %s)", async (batchSize, slow) => {
    const { rows, seen } = await readAll(batchSize, slow);
    expect(seen).toBe(rowCount);
    expect(rows).toEqual(expected);
  });
});
