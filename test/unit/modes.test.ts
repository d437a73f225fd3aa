/** The table of what each kind of run does (lib/etl/modes.ts), read the way the pipeline reads it. */
import { describe, expect, it } from "vitest";
import { type RunKind, recordedMode, runKind } from "../../db/run-states";
import { modeOf, modes } from "../../lib/etl/modes";

const kinds = Object.keys(modes) as RunKind[];

describe("run modes", () => {
  it("reads a repair, asked with verify and recorded as incremental, as the repair row", () => {
    const repair = recordedMode({ mode: "verify", repair: true });
    expect(runKind(repair)).toBe("repair");
    expect(modeOf(repair)).toBe(modes.repair);
    expect(modeOf({ mode: "incremental", repair: false })).toBe(modes.incremental);
    expect(modeOf({ mode: "verify", repair: false })).toBe(modes.verify);
    // A first build rewrites every table: a repair flag changes nothing about it.
    expect(modeOf(recordedMode({ mode: "first-run", repair: true }))).toBe(modes["first-run"]);
  });

  it("takes no shortcut over the file when it compares rows by content", () => {
    for (const kind of kinds.filter((k) => modes[k].fullCompare)) {
      expect(modes[kind], kind).toMatchObject({ skipUnchanged: false, keptFileDiff: false });
    }
    expect(kinds.filter((k) => modes[k].fullCompare).sort()).toEqual(["repair", "verify"]);
  });

  it("skips unchanged files and diffs the kept file only in a plain incremental run", () => {
    expect(kinds.filter((k) => modes[k].skipUnchanged)).toEqual(["incremental"]);
    expect(kinds.filter((k) => modes[k].keptFileDiff)).toEqual(["incremental"]);
  });

  it("checks quality only after a run that writes, and every table after a build", () => {
    for (const kind of kinds) {
      const { job, qualityChecks, raisesHorizon } = modes[kind];
      expect(qualityChecks === "none", kind).toBe(job === "compare");
      expect(qualityChecks === "succeeded", kind).toBe(job === "build");
      expect(raisesHorizon, kind).toBe(job === "build");
    }
  });

  it("overlaps the applies of syncs two at a time, builds and compares one at a time", () => {
    expect(Object.fromEntries(kinds.map((k) => [k, modes[k].serverSlots]))).toEqual({
      "first-run": 1,
      incremental: 2,
      verify: 1,
      repair: 2,
    });
  });
});
