/** The pure parts of verify: what the merge's drift output counts and keeps, how a run is recorded, the API rule. */
import { describe, expect, it } from "vitest";
import { recordedMode } from "../../db/run-states";
import { startRunSchema } from "../../lib/api/contract";
import { datasets, formatKey } from "../../lib/catalog/datasets";
import { KeyMerge } from "../../lib/etl/merge";
import type { ScannedRow } from "../../lib/etl/scan";
import { selectRowLinesSql } from "../../lib/etl/sql";
import { DriftCount, describeDrift } from "../../lib/etl/verify";
import { tableCursor as tableOf } from "../helpers/key-cursor";

const row = (id: number, ordering: number, hash: bigint, lineNumber: number, rejected = false) =>
  ({
    id,
    ordering,
    mergeKey: id * 65536 + ordering,
    hash,
    rejected,
    lineNumber,
    buf: Buffer.alloc(0),
    start: 0,
    end: 0,
  }) as ScannedRow;

async function verify(table: [number, number, bigint][], file: ScannedRow[], spec = datasets.title_akas, max = 20) {
  const counters = { unchanged: 0, duplicates: 0 };
  const count = new DriftCount(spec, counters, max);
  const merge = new KeyMerge(tableOf(table), count, counters, () => new Error("unsorted"));
  await merge.start();
  await merge.add(file);
  await merge.finish();
  return { ...count.drift, unchanged: counters.unchanged };
}

describe("verify's drift count", () => {
  it("counts missing, differing, extra and unchanged rows with keyed examples in key order", async () => {
    const drift = await verify(
      [
        [1, 1, 10n],
        [1, 2, 20n],
        [2, 1, 30n],
        [10000000, 1, 40n],
      ],
      [row(1, 2, 21n, 2), row(1, 1, 10n, 3), row(1, 3, 50n, 4), row(10000000, 1, 40n, 5)],
    );
    expect(drift).toEqual({
      missing: 1,
      differing: 1,
      extra: 1,
      unchanged: 2,
      examples: [
        { kind: "differing", key: "tt0000001", ordering: 2, lineNumber: 2 },
        { kind: "missing", key: "tt0000001", ordering: 3, lineNumber: 4 },
        { kind: "extra", key: "tt0000002", ordering: 1, lineNumber: null },
      ],
    });
  });

  it("does not count a rejected line as drift (a sync keeps the table row as it is)", async () => {
    const drift = await verify([[1, 1, 10n]], [row(1, 1, 0n, 2, true), row(2, 1, 0n, 3, true)]);
    expect(drift).toMatchObject({ missing: 0, differing: 0, extra: 0, unchanged: 0, examples: [] });
  });

  it("keeps at most the given number of examples but counts every row", async () => {
    const table = Array.from({ length: 50 }, (_, i): [number, number, bigint] => [i + 1, 0, 1n]);
    const drift = await verify(table, [], datasets.name_basics, 3);
    expect(drift.extra).toBe(50);
    expect(drift.examples).toEqual([
      { kind: "extra", key: "nm0000001", ordering: null, lineNumber: null },
      { kind: "extra", key: "nm0000002", ordering: null, lineNumber: null },
      { kind: "extra", key: "nm0000003", ordering: null, lineNumber: null },
    ]);
  });

  it("writes keys as IMDb does and says what it found", () => {
    expect(formatKey(datasets.title_basics, 1)).toBe("tt0000001");
    expect(formatKey(datasets.name_basics, 12345678)).toBe("nm12345678");
    expect(describeDrift({ missing: 0, differing: 0, extra: 0, examples: [] })).toMatch(/^No drift/);
    expect(describeDrift({ missing: 1, differing: 2, extra: 3, examples: [] })).toBe(
      "Drift: 1 missing, 2 differing, 3 extra.",
    );
  });

  it("reads each row back as its IMDb line, NULL as \\N, in key order", () => {
    expect(selectRowLinesSql(datasets.title_ratings, "title_ratings")).toBe(
      "SELECT `tid`, row_hash, CAST(CONCAT_WS('\\t', " +
        "IFNULL(CAST(`tconst` AS CHAR CHARACTER SET utf8mb4), '\\\\N'), " +
        "IFNULL(CAST(`averageRating` AS CHAR CHARACTER SET utf8mb4), '\\\\N'), " +
        "IFNULL(CAST(`numVotes` AS CHAR CHARACTER SET utf8mb4), '\\\\N')) AS BINARY) AS line " +
        "FROM `title_ratings` ORDER BY `tid`",
    );
  });
});

describe("verify and repair runs", () => {
  it("records a repair as an incremental run with its repair flag", () => {
    expect(recordedMode({ mode: "verify", repair: true })).toEqual({ mode: "incremental", repair: true });
    expect(recordedMode({ mode: "verify" })).toEqual({ mode: "verify", repair: false });
    expect(recordedMode({ mode: "first-run", repair: true })).toEqual({ mode: "first-run", repair: false });
  });

  it("takes repair in the API only with mode verify", () => {
    expect(startRunSchema.safeParse({ mode: "verify", source: "sample", repair: true }).success).toBe(true);
    expect(startRunSchema.safeParse({ mode: "verify", source: "sample" }).success).toBe(true);
    const refused = startRunSchema.safeParse({ mode: "incremental", source: "sample", repair: true });
    expect(refused.success).toBe(false);
    expect(refused.error?.issues[0]?.path).toEqual(["repair"]);
  });
});
