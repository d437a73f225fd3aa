/** The layers of docs/architecture.md, checked on the real source tree: no import points up or sideways. */
import { describe, expect, it } from "vitest";
import { groupOf, importGraph, isForbidden, opensPool, pointsUp, sourceFiles } from "../../scripts/import-graph";

describe("architecture", () => {
  it("places every source file in a layer", () => {
    const unplaced = sourceFiles(process.cwd()).filter((file) => !groupOf(file));
    expect(unplaced).toEqual([]);
  });

  it("has no import that points up or sideways", () => {
    const graph = importGraph(process.cwd());
    expect(graph.edges.size).toBeGreaterThan(10);
    expect(graph.violations).toEqual([]);
  });

  it("tells an upward or sideways import from a downward one", () => {
    expect(pointsUp("lib/etl", "scripts")).toBe(true);
    expect(pointsUp("lib/etl", "lib/runs")).toBe(true);
    expect(pointsUp("lib/queries", "lib/runs")).toBe(true);
    expect(pointsUp("components", "app")).toBe(true);
    expect(pointsUp("app", "lib/etl")).toBe(false);
    expect(pointsUp("lib/runs", "lib/etl")).toBe(false);
    expect(pointsUp("lib/etl", "lib/etl")).toBe(false);
    expect(pointsUp("lib/etl", "lib/run-record")).toBe(false);
    expect(pointsUp("lib/run-record", "lib/etl")).toBe(true);
    expect(pointsUp("lib/catalog", "lib/run-record")).toBe(true);
  });

  it("refuses reads and the HTTP contract that reach into the engine, and pages or routes that take the pool", () => {
    expect(isForbidden("lib/queries", "lib/etl")).toBe(true);
    expect(isForbidden("lib/api", "lib/etl")).toBe(true);
    expect(isForbidden("lib/queries", "lib/run-record")).toBe(false);
    expect(isForbidden("lib/runs", "lib/etl")).toBe(false);
    expect(opensPool("app", 'import { getDb } from "@/lib/db";\nawait scheduleOverview(getDb());')).toBe(true);
    expect(opensPool("app", 'import { currentSchedule } from "@/lib/runs/service";')).toBe(false);
    expect(opensPool("lib/queries", "getPool()")).toBe(false);
  });
});
