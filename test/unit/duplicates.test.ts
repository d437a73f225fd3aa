/**
 * One duplicate-key rule (laterRowWins) for the scan's adjacent rows and the merge's rows of one title:
 * the later row wins unless it is rejected; only a good row replacing a good one counts as a duplicate.
 */
import { Readable } from "node:stream";
import { describe, expect, it } from "vitest";
import { datasets } from "../../lib/catalog/datasets";
import { lineHasher } from "../../lib/etl/hash";
import { type KeyCursor, KeyMerge } from "../../lib/etl/merge";
import { laterRowWins, type ScannedRow, scanFile } from "../../lib/etl/scan";

const row = (ordering: number, rejected: boolean, lineNumber = 0) =>
  ({ id: 1, ordering, mergeKey: 65536 + ordering, hash: 1n, rejected, lineNumber }) as ScannedRow;

describe("laterRowWins", () => {
  it.each([
    { earlier: "good", later: "good", wins: true, duplicate: true },
    { earlier: "rejected", later: "good", wins: true, duplicate: false },
    { earlier: "good", later: "rejected", wins: false, duplicate: false },
    { earlier: "rejected", later: "rejected", wins: true, duplicate: false },
  ])(
    "$earlier then $later: the later wins = $wins, a duplicate = $duplicate",
    ({ earlier, later, wins, duplicate }) => {
      expect(laterRowWins(row(1, earlier === "rejected"), row(1, later === "rejected"))).toEqual({ wins, duplicate });
    },
  );
});

async function scan(lines: string[]) {
  const spec = datasets.title_ratings;
  const text = `tconst\taverageRating\tnumVotes\n${lines.join("\n")}\n`;
  const counters = { read: 0, rejected: 0, duplicates: 0 };
  const rows: ScannedRow[] = [];
  await scanFile(
    Readable.from([Buffer.from(text)]),
    spec,
    await lineHasher(),
    counters,
    { onRows: async (batch) => void rows.push(...batch), onReject: () => {} },
    new AbortController().signal,
  );
  return { counters, rows };
}

/** A table with no rows: every file row is an insert. */
const emptyTable: KeyCursor = { ready: false, fill: async () => false, id: -1, ordering: -1, hash: 0n, next() {} };

describe("a rejected line followed by a good one with the same key", () => {
  it("is one rejected line and no duplicate in the scan (adjacent lines)", async () => {
    const { counters, rows } = await scan(["tt0000001\tbad\t5", "tt0000001\t7.0\t5"]);
    expect(counters).toEqual({ read: 2, rejected: 1, duplicates: 0 });
    expect(rows.map((r) => [r.lineNumber, r.rejected])).toEqual([[3, false]]);
  });

  it("is no duplicate in the merge either (rows of one title apart in the file)", async () => {
    const inserted: number[] = [];
    const counters = { duplicates: 0 };
    const merge = new KeyMerge(
      emptyTable,
      {
        insert: (r) => inserted.push(r.lineNumber),
        update: () => {},
        unchanged: () => {},
        delete: () => {},
        between: () => undefined,
      },
      counters,
      () => new Error("unsorted"),
    );
    await merge.start();
    await merge.add([row(1, true, 2), row(2, false, 3), row(1, false, 4)]);
    await merge.finish();
    expect(counters.duplicates).toBe(0);
    expect(inserted.sort()).toEqual([3, 4]);
  });

  it("while a good line followed by a good one is a duplicate in both", async () => {
    const { counters } = await scan(["tt0000001\t6.0\t5", "tt0000001\t7.0\t5"]);
    expect(counters.duplicates).toBe(1);
  });
});
