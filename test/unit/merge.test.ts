import { describe, expect, it } from "vitest";
import { KeyMerge, type MergeOutput } from "../../lib/etl/merge";
import type { ScannedRow } from "../../lib/etl/scan";
import { tableCursor } from "../helpers/key-cursor";

/** The table side, handed out in batches of two. */
const tableOf = (rows: [number, number, bigint][]) => tableCursor(rows, 2);

const row = (id: number, ordering: number, hash: bigint, rejected = false) =>
  ({
    id,
    ordering,
    mergeKey: id * 65536 + ordering,
    hash,
    rejected,
    lineNumber: 0,
    buf: Buffer.alloc(0),
    start: 0,
    end: 0,
  }) as ScannedRow;

async function merge(table: [number, number, bigint][], file: ScannedRow[][]) {
  const events: string[] = [];
  const out: MergeOutput = {
    insert: (r) => events.push(`insert ${r.id}/${r.ordering}`),
    update: (r) => events.push(`update ${r.id}/${r.ordering}`),
    unchanged: () => events.push("unchanged"),
    delete: (id, ordering) => events.push(`delete ${id}/${ordering}`),
    between: () => undefined,
  };
  const counters = { duplicates: 0 };
  const keyMerge = new KeyMerge(tableOf(table), out, counters, (r) => new Error(`unsorted at ${r.id}`));
  await keyMerge.start();
  for (const rows of file) await keyMerge.add(rows);
  await keyMerge.finish();
  return { events, duplicates: counters.duplicates };
}

describe("KeyMerge", () => {
  it("inserts, updates, keeps and deletes by key across batch boundaries", async () => {
    const { events } = await merge(
      [
        [1, 0, 10n],
        [2, 0, 20n],
        [4, 0, 40n],
        [9999999, 0, 1n],
        [10000000, 0, 2n],
      ],
      [[row(1, 0, 10n), row(3, 0, 30n)], [row(4, 0, 41n), row(10000000, 0, 2n)], [row(10000001, 0, 5n)]],
    );
    expect(events).toEqual([
      "unchanged",
      "delete 2/0",
      "insert 3/0",
      "update 4/0",
      "delete 9999999/0",
      "unchanged",
      "insert 10000001/0",
    ]);
  });

  it("matches rows of one title by ordering whatever their order in the file", async () => {
    const { events } = await merge(
      [
        [7, 1, 1n],
        [7, 2, 2n],
        [7, 3, 3n],
      ],
      [[row(7, 3, 3n), row(7, 1, 11n), row(7, 4, 4n)]],
    );
    expect(events).toEqual(["update 7/1", "delete 7/2", "unchanged", "insert 7/4"]);
  });

  it("keeps the table row of a rejected line and lets the last duplicate win", async () => {
    const { events, duplicates } = await merge(
      [
        [1, 0, 1n],
        [2, 0, 2n],
      ],
      [[row(1, 0, 0n, true), row(2, 5, 9n), row(2, 5, 8n)]],
    );
    expect(events).toEqual(["delete 2/0", "insert 2/5"]);
    expect(duplicates).toBe(1);
  });

  it("deletes everything past the file's last key and refuses a file out of key order", async () => {
    expect(
      (
        await merge(
          [
            [1, 0, 1n],
            [2, 0, 2n],
            [3, 0, 3n],
          ],
          [[row(1, 0, 1n)]],
        )
      ).events,
    ).toEqual(["unchanged", "delete 2/0", "delete 3/0"]);
    await expect(merge([], [[row(5, 0, 1n), row(4, 0, 1n)]])).rejects.toThrow("unsorted at 4");
  });
});
