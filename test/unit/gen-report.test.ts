import { describe, expect, it } from "vitest";
import { tableNames } from "../../lib/catalog/datasets";
import type { Expected } from "../../scripts/bench/mutate";
import { formatSteps, median, medianFloor, medianStep, syncStep } from "../../scripts/bench/report";
import { parseSummary, rowsWritten, type SyncResult } from "../../scripts/bench/sync";

const expected = Object.fromEntries(
  tableNames.map((t) => [t, { rows: 100, inserted: 2, updated: 3, deleted: 1, unchanged: 95 }]),
) as Expected;

function result(change: Partial<{ updated: number; status: string }> = {}): SyncResult {
  const tables = tableNames.map((table) => ({
    table,
    read: 100,
    inserted: 2,
    updated: table === "title_basics" ? (change.updated ?? 3) : 3,
    unchanged: 95,
    deleted: 1,
    rejected: 0,
    duplicates: 0,
  }));
  return {
    exitCode: change.status ? 1 : 0,
    seconds: 2,
    peakRssBytes: 100 << 20,
    peakRssSource: "time",
    disk: { peakBytes: 30 << 20, endBytes: 10 << 20 },
    summary: { id: 1, status: change.status ?? "succeeded", tables },
  };
}

describe("benchmark checks", () => {
  it("read the summary from the last JSON line of the engine's output", () => {
    const summary = parseSummary(`progress…\n{"not":"this"\n{"id":7,"status":"succeeded","tables":[]}\n`);
    expect(summary.id).toBe(7);
    expect(() => parseSummary("no json here")).toThrow(/no JSON summary/);
  });

  it("count rows written as inserted + updated + deleted", () => {
    expect(rowsWritten(result().summary)).toBe(7 * 6);
  });

  it("pass when every table's counters equal expected.json", () => {
    const step = syncStep("1 %", result(), { seconds: 4, against: "floor" }, 0.6, expected);
    expect(step.problems).toEqual([]);
    expect(step.ratioToFloor).toBe(0.5);
    expect(formatSteps([step])).toMatch(/1 %.*yes$/m);
    // The disk the run kept, then what it used only while it ran.
    expect(formatSteps([step])).toMatch(/100 MB +10 MB +20 MB /);
  });

  it("name the table and counter that differ, and a failed run", () => {
    const step = syncStep("1 %", result({ updated: 4 }), { seconds: 4, against: "floor" }, 0.6, expected);
    expect(step.problems).toContain("title_basics.updated: 4, expected 3");
    expect(step.problems[0]).toMatch(/wrote 43 rows, expected 42/);
    const failed = syncStep("1 %", result({ status: "failed" }), { seconds: 4, against: "floor" }, 0.6, expected);
    expect(failed.problems[0]).toMatch(/run failed \(exit 1\)/);
    expect(formatSteps([failed])).toMatch(/FAIL/);
  });

  it("report a step run several times by its median run, with every run's seconds, the highest RSS and all problems", () => {
    const run = (seconds: number, rss: number, updated = 3) =>
      syncStep(
        "1 %",
        { ...result({ updated }), seconds, peakRssBytes: rss << 20 },
        { seconds: 4, against: "floor" },
        0.6,
        expected,
      );
    const step = medianStep([run(1.9, 100), run(1.2, 120, 4), run(1.4, 90)]);
    expect(step.seconds).toBe(1.4);
    expect(step.ratioToFloor).toBeCloseTo(0.35);
    expect(step.samples).toEqual([1.9, 1.2, 1.4]);
    expect(step.peakRssBytes).toBe(120 << 20);
    expect(step.problems).toContain("run 2: title_basics.updated: 4, expected 3");
    expect(formatSteps([step])).toMatch(/1\.40 +1\.90 1\.20 1\.40 /);
    expect(medianStep([run(2, 100)]).samples).toBeUndefined();
    expect(median([3, 1, 2, 5, 4])).toBe(3);
  });

  it("take each floor as the median of its runs", () => {
    const floor = (seconds: number, withIndexes: number) => ({
      seconds,
      secondsWithIndexes: withIndexes,
      rows: 10,
      tables: {} as never,
    });
    const merged = medianFloor([floor(5, 9), floor(4, 8.5), floor(4.5, 7)]);
    expect([merged.seconds, merged.secondsWithIndexes]).toEqual([4.5, 8.5]);
    expect(merged.samples).toEqual({ seconds: [5, 4, 4.5], withIndexes: [9, 8.5, 7] });
  });
});
