import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunMode } from "../../db/schema";
import { closePools } from "../../lib/db";
import { createTestDatabase, type TestDatabase } from "../helpers/database";
import { folderSource, rejectsOf, runEngine, tableResult, tableRows, tempDir, tsv } from "../helpers/engine-run";
import { expectGenresEqualFile, expectTableEqualsFile } from "../helpers/exactness";

const title = (n: number, fields: { type?: string; name?: string; start?: string } = {}) => {
  const name = fields.name ?? `Title ${n}`;
  return `tt${String(n).padStart(7, "0")}\t${fields.type ?? "movie"}\t${name}\t${name}\t0\t${fields.start ?? "1994"}\t\\N\t90\tDrama,Comedy`;
};

/** Stands for two bytes that are not UTF-8 (0xFF 0xFE) until the file is written. */
const invalid = "@INVALID@";
const good = [title(1), title(3), title(8), title(9, { name: "é".repeat(768) })];
/** Each bad line with the line number it has in the file (the header is line 1) and the reason it must get. */
const bad = [
  { lineNumber: 3, line: "tt0000002\tmovie\tOnly three fields", reason: "expected 9 fields, found 3" },
  { lineNumber: 5, line: title(4, { name: `Bad ${invalid} bytes` }), reason: "invalid UTF-8" },
  { lineNumber: 6, line: title(5, { start: "19x4" }), reason: "startYear: not a whole number" },
  { lineNumber: 7, line: title(6, { start: "0012" }), reason: "startYear: not a whole number" },
  { lineNumber: 8, line: title(7, { type: "t".repeat(33) }), reason: "titleType: longer than 32 characters" },
  { lineNumber: 11, line: title(10, { name: "é".repeat(769) }), reason: "primaryTitle: longer than 768 characters" },
];
const [b0, b1, b2, b3, b4, b5] = bad.map((b) => b.line);
const lines = [good[0], b0, good[1], b1, b2, b3, b4, good[2], good[3], b5] as string[];
/** The file's bytes, with no newline after its last (rejected) line. */
const fileBytes = Buffer.concat(
  tsv("title_basics", lines)
    .slice(0, -1)
    .split(invalid)
    .flatMap((part, i) => (i === 0 ? [Buffer.from(part)] : [Buffer.from([0xff, 0xfe]), Buffer.from(part)])),
);
const goodText = tsv("title_basics", good);
/** A rejected line as etl_rejects keeps it: its first 2,000 bytes, cut between characters. */
const stored = (line: string) => {
  let text = line;
  while (Buffer.byteLength(text) > 2000) text = text.slice(0, -1);
  return text;
};

describe("rejected lines are recorded and counted, and the good lines load", () => {
  let db: TestDatabase;
  let dir: string;
  let source: string;
  beforeAll(async () => {
    db = await createTestDatabase("rejected_lines");
    dir = await tempDir("rejected-lines");
    source = await folderSource(dir, "bad-lines", "title_basics", fileBytes, "tsv");
  });
  afterAll(async () => {
    await closePools();
    await db.drop();
  });

  it.each<RunMode>(["first-run", "incremental"])(
    "%s: each bad line is in etl_rejects, the rest loads",
    async (mode) => {
      const summary = await runEngine(db.url, { mode, source, tables: ["title_basics"], settings: { maxRejects: 10 } });
      expect(summary.status).toBe("succeeded");
      const expectedCounts = mode === "first-run" ? { inserted: 4, unchanged: 0 } : { inserted: 0, unchanged: 4 };
      expect(tableResult(summary, "title_basics")).toMatchObject({
        status: "succeeded",
        read: 10,
        rejected: 6,
        duplicates: 0,
        updated: 0,
        deleted: 0,
        ...expectedCounts,
      });
      const rejects = await rejectsOf(db.url, summary.id);
      expect(rejects).toEqual(
        bad.map(({ lineNumber, line, reason }) => ({
          tableName: "title_basics",
          file: "title.basics.tsv.gz",
          lineNumber,
          reason,
          line: stored(line.replaceAll(invalid, "\ufffd\ufffd")),
        })),
      );
      await expectTableEqualsFile(db.url, "title_basics", goodText);
      await expectGenresEqualFile(db.url, goodText);
    },
  );

  it("incremental: a stored row whose new line is rejected is kept as it was, neither updated nor deleted", async () => {
    const before = await tableRows(db.url, "title_basics");
    const next = tsv("title_basics", [
      title(1, { start: "abcd" }),
      title(3),
      title(8, { name: "Renamed" }),
      good[3] as string,
    ]);
    const summary = await runEngine(db.url, {
      mode: "incremental",
      source: await folderSource(dir, "one-bad-update", "title_basics", next),
      tables: ["title_basics"],
    });
    expect(summary.status).toBe("succeeded");
    expect(tableResult(summary, "title_basics")).toMatchObject({
      read: 4,
      rejected: 1,
      inserted: 0,
      updated: 1,
      unchanged: 2,
      deleted: 0,
    });
    const [reject] = await rejectsOf(db.url, summary.id);
    expect(reject).toMatchObject({ lineNumber: 2, reason: "startYear: not a whole number" });
    const after = await tableRows(db.url, "title_basics");
    expect(after[0]).toEqual(before[0]);
    await expectTableEqualsFile(
      db.url,
      "title_basics",
      tsv("title_basics", [title(1), title(3), title(8, { name: "Renamed" }), good[3] as string]),
    );
  });

  it.each<RunMode>(["first-run", "incremental"])(
    "%s: more rejects than maxRejects fails the run and changes nothing",
    async (mode) => {
      const before = await tableRows(db.url, "title_basics");
      const genresBefore = await tableRows(db.url, "title_genres");
      const summary = await runEngine(db.url, { mode, source, tables: ["title_basics"], settings: { maxRejects: 3 } });
      expect(summary.status).toBe("failed");
      expect(summary.error).toMatch(/More than 3 rejected lines/);
      const result = tableResult(summary, "title_basics");
      expect(result.status).toBe("failed");
      expect(result.rejected).toBeGreaterThan(3);
      const recorded = await rejectsOf(db.url, summary.id);
      expect(recorded.length).toBe(result.rejected);
      expect(recorded.slice(0, 4).map((r) => r.lineNumber)).toEqual([3, 5, 6, 7]);
      expect(await tableRows(db.url, "title_basics")).toEqual(before);
      expect(await tableRows(db.url, "title_genres")).toEqual(genresBefore);
    },
  );
});
