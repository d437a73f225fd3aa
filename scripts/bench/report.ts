/**
 * The benchmark's results: one row per measured step with its ratio to the floor and the checks on rows
 * written, the terminal table, and the JSON written to bench-results/latest-<scale>.json.
 */
import { cpus, totalmem } from "node:os";
import type { TableName } from "../../lib/catalog/datasets";
import type { FloorResult } from "./floor";
import type { Expected } from "./mutate";
import { type DiskGrowth, rowsWritten, type SyncResult } from "./sync";
import { textTable } from "./text-table";

export interface Machine {
  cpu: string;
  cores: number;
  ramBytes: number;
  server: string;
  /** The server's InnoDB buffer pool: whether the mirror fits it decides the incremental runs' speed. */
  bufferPoolBytes: number;
  node: string;
}

export function machine(serverVersion: string, bufferPoolBytes: number): Machine {
  const list = cpus();
  return {
    cpu: list[0]?.model.trim() ?? "unknown",
    cores: list.length,
    ramBytes: totalmem(),
    server: serverVersion,
    bufferPoolBytes,
    node: process.version,
  };
}

export interface StepResult {
  step: string;
  seconds: number;
  rows: number;
  rowsPerSecond: number;
  /** Seconds over the seconds of the floor the step is compared with (`against`). */
  ratioToFloor: number;
  against?: Against;
  /** The target for the ratio (docs/benchmark.md); undefined for the floor itself. */
  targetRatio?: number;
  peakRssBytes?: number;
  peakRssSource?: string;
  rowsWritten?: number;
  expectedRowsWritten?: number;
  /** Problems found by the checks (rows written, per-table counters); empty when all hold. */
  problems: string[];
  tables?: SyncResult["summary"]["tables"];
  /** Disk used during the run over the start (the project's and the temporary folder's filesystems). */
  disk?: DiskGrowth;
  /** The change history the run wrote (etl_changes): rows, and bytes of keys and logged values. */
  history?: { rows: number; bytes: number };
  /** The data-quality checks the run ran at its end (part of its seconds): their time, and how each counted. */
  quality?: QualityCost;
  /** Seconds of each run when the step was run more than once (medianStep); `seconds` is their median. */
  samples?: number[];
}

/** The middle value (the upper middle of an even count). */
export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] as number;
}

/** The floors from several runs: each the median of its runs; the per-table times are the median plain run's. */
export function medianFloor(runs: FloorResult[]): FloorResult {
  const seconds = runs.map((r) => r.seconds);
  const withIndexes = runs.map((r) => r.secondsWithIndexes);
  const middle = runs.find((r) => r.seconds === median(seconds)) ?? (runs[0] as FloorResult);
  if (runs.length === 1) return middle;
  return {
    ...middle,
    seconds: median(seconds),
    secondsWithIndexes: median(withIndexes),
    samples: { seconds, withIndexes },
  };
}

/**
 * One step from several runs of it: the run of median seconds stands for it (its counters and per-table times),
 * with every run's seconds in `samples`, the highest peak RSS of them all and every run's problems.
 */
export function medianStep(runs: StepResult[]): StepResult {
  const seconds = runs.map((r) => r.seconds);
  const middle = runs.find((r) => r.seconds === median(seconds)) ?? (runs[0] as StepResult);
  const rss = runs.map((r) => r.peakRssBytes).filter((b): b is number => b !== undefined);
  const problems = runs.flatMap((r, i) => r.problems.map((p) => (runs.length > 1 ? `run ${i + 1}: ${p}` : p)));
  return {
    ...middle,
    samples: runs.length > 1 ? seconds : undefined,
    peakRssBytes: rss.length > 0 ? Math.max(...rss) : undefined,
    problems,
  };
}

export const peakRssTargetBytes = 128 * 1024 * 1024;

/** A first build is compared with the floor + indexes (it builds them too), an incremental run with the floor. */
export type Against = "floor" | "floor + indexes";

export const floorSeconds = (floor: FloorResult, against: Against) =>
  against === "floor" ? floor.seconds : floor.secondsWithIndexes;

/** The two floors as rows of the table. */
export function floorSteps(floor: FloorResult): StepResult[] {
  const row = (step: string, seconds: number, against: Against, samples?: number[]): StepResult => ({
    step,
    seconds,
    rows: floor.rows,
    rowsPerSecond: floor.rows / seconds,
    ratioToFloor: 1,
    against,
    problems: [],
    samples,
  });
  return [
    row("floor (LOAD DATA, primary keys only)", floor.seconds, "floor", floor.samples?.seconds),
    row("floor + indexes (then ALTER TABLE)", floor.secondsWithIndexes, "floor + indexes", floor.samples?.withIndexes),
  ];
}

/** Compares the engine's counters with what the data says they must be. */
export function checkCounters(result: SyncResult, expected: Expected): string[] {
  const problems: string[] = [];
  for (const [table, want] of Object.entries(expected) as [TableName, Expected[TableName]][]) {
    const got = result.summary.tables.find((t) => t.table === table);
    if (!got) {
      problems.push(`${table}: missing from the summary`);
      continue;
    }
    // A table skipped as unchanged (same bytes as its last exact sync) is right only where nothing changed.
    if (got.status === "skipped") {
      if (want.inserted + want.updated + want.deleted > 0) problems.push(`${table}: skipped, but its file changed`);
      continue;
    }
    for (const field of ["inserted", "updated", "deleted", "unchanged"] as const) {
      if (got[field] !== want[field]) problems.push(`${table}.${field}: ${got[field]}, expected ${want[field]}`);
    }
    if (got.rejected !== 0) problems.push(`${table}: ${got.rejected} rejected lines`);
  }
  return problems;
}

export function syncStep(
  step: string,
  result: SyncResult,
  floor: { seconds: number; against: Against },
  targetRatio: number | undefined,
  expected: Expected,
): StepResult {
  const rows = result.summary.tables.reduce((sum, t) => sum + t.read, 0);
  const written = rowsWritten(result.summary);
  const expectedRowsWritten = Object.values(expected).reduce((s, t) => s + t.inserted + t.updated + t.deleted, 0);
  const problems = checkCounters(result, expected);
  if (result.exitCode !== 0 || result.summary.status !== "succeeded") {
    const failed = result.summary.tables.filter((t) => t.error).map((t) => `${t.table}: ${t.error}`);
    problems.unshift(
      `run ${result.summary.status} (exit ${result.exitCode}): ${result.summary.error ?? ""}`,
      ...failed,
    );
  }
  if (written !== expectedRowsWritten) problems.unshift(`wrote ${written} rows, expected ${expectedRowsWritten}`);
  return {
    step,
    seconds: result.seconds,
    rows,
    rowsPerSecond: rows / result.seconds,
    ratioToFloor: result.seconds / floor.seconds,
    against: floor.against,
    targetRatio,
    peakRssBytes: result.peakRssBytes,
    peakRssSource: result.peakRssSource,
    disk: result.disk,
    rowsWritten: written,
    expectedRowsWritten,
    problems,
    tables: result.summary.tables,
  };
}

/** A step whose engine run produced no summary at all. */
export function failedStep(step: string, message: string): StepResult {
  const nan = Number.NaN;
  return { step, seconds: nan, rows: 0, rowsPerSecond: nan, ratioToFloor: nan, problems: [message] };
}

const mb = (bytes: number) => `${Math.round(bytes / 1024 / 1024)} MB`;

/** The terminal table: one line per step, then the problems found, if any. */
export function formatSteps(steps: StepResult[]): string {
  const header = [
    "step",
    "seconds",
    "runs",
    "rows/s",
    "ratio",
    "against",
    "target",
    "peak RSS",
    "disk +",
    "temp disk",
    "rows written",
    "expected",
    "ok",
  ];
  const rows = steps.map((s) => {
    const ratioOk = s.targetRatio === undefined || s.ratioToFloor <= s.targetRatio;
    const rssOk = s.peakRssBytes === undefined || s.peakRssBytes <= peakRssTargetBytes;
    return [
      s.step,
      s.seconds.toFixed(2),
      s.samples ? s.samples.map((x) => x.toFixed(2)).join(" ") : "1",
      Math.round(s.rowsPerSecond).toLocaleString("en-US"),
      s.ratioToFloor.toFixed(2),
      s.against ?? "",
      s.targetRatio === undefined ? "" : `≤ ${s.targetRatio}`,
      s.peakRssBytes === undefined ? "" : mb(s.peakRssBytes),
      s.disk ? mb(s.disk.endBytes) : "",
      s.disk ? mb(s.disk.peakBytes - s.disk.endBytes) : "",
      s.rowsWritten?.toLocaleString("en-US") ?? "",
      s.expectedRowsWritten?.toLocaleString("en-US") ?? "",
      s.problems.length > 0 ? "FAIL" : ratioOk && rssOk ? "yes" : "slow",
    ];
  });
  const out = [textTable(header, rows)];
  for (const s of steps) for (const p of s.problems.slice(0, 20)) out.push(`  ${s.step}: ${p}`);
  return out.join("\n");
}

/** What the text-key indexes cost: their size, and the engine's steps with and without them. */
export interface KeyIndexCost {
  /** null: not readable by the database user (KeyIndexSizes). */
  keyIndexBytes: number | null;
  tablesBytes: number;
  /** The steps as shipped and the same steps over tables without the key indexes (matched by step name). */
  with: StepResult[];
  without: StepResult[];
}

export function formatKeyIndexCost(cost: KeyIndexCost): string {
  const out = [
    cost.keyIndexBytes === null
      ? `disk: not measured (the database user may not read mysql.innodb_index_stats); the tables take ${mb(cost.tablesBytes)}, data and every index`
      : `disk: ${mb(cost.keyIndexBytes)} of the tables' ${mb(cost.tablesBytes)} (${((cost.keyIndexBytes / cost.tablesBytes) * 100).toFixed(1)} %, data and every index)`,
  ];
  for (const without of cost.without) {
    const step = cost.with.find((s) => `${s.step}, no key indexes` === without.step);
    if (!step) continue;
    const extra = step.seconds - without.seconds;
    out.push(
      `${step.step}: ${step.seconds.toFixed(2)} s with them, ${without.seconds.toFixed(2)} s without ` +
        `(${extra >= 0 ? "+" : ""}${extra.toFixed(2)} s, ${((extra / without.seconds) * 100).toFixed(1)} %)`,
    );
  }
  if (cost.without.length === 0) out.push("(not timed without them: --no-key-index-cost)");
  return out.join("\n");
}

/** Seconds per table: the floor's LOAD DATA and its ALTER TABLE beside each engine step (the engine's download + load + apply + index). */
export function formatTableSeconds(floor: FloorResult, steps: StepResult[]): string {
  const runs = steps.filter((s) => s.tables);
  const header = ["table", "floor", "+ indexes", ...runs.map((s) => s.step)];
  const rows = Object.entries(floor.tables).map(([table, f]) => [
    table,
    f.seconds.toFixed(2),
    f.indexSeconds.toFixed(2),
    ...runs.map((s) => {
      const t = s.tables?.find((x) => x.table === table);
      const total = Object.values(t?.seconds ?? {}).reduce((a, b) => a + b, 0);
      return total.toFixed(2);
    }),
  ]);
  return textTable(header, rows);
}

export interface QualityCost {
  seconds: number;
  /** Checks per method: full (every row), incremental (the rows the run touched), carried (nothing to do). */
  methods: Record<string, number>;
  /** Rows each check found. */
  rows: Record<string, number>;
}

/** The data-quality checks' share of each step that ran them. */
export function formatQualityCost(steps: StepResult[]): string {
  const header = ["step", "checks s", "step s", "share", "methods", "rows found"];
  const rows = steps
    .filter((s) => s.quality && Number.isFinite(s.seconds))
    .map((s) => {
      const q = s.quality as QualityCost;
      const methods = Object.entries(q.methods)
        .map(([m, n]) => `${n} ${m}`)
        .join(", ");
      const found = Object.values(q.rows).reduce((a, b) => a + b, 0);
      return [
        s.step,
        q.seconds.toFixed(2),
        s.seconds.toFixed(2),
        `${((q.seconds / s.seconds) * 100).toFixed(1)} %`,
        methods,
        found.toLocaleString("en-US"),
      ];
    });
  return rows.length > 0 ? textTable(header, rows) : "not measured";
}

/**
 * Where one step's time went, per table and stage (download/read, load: reading and staging, apply, index), with
 * the rows each table wrote: the breakdown for a step against its target.
 */
export function formatStageSeconds(step: StepResult | undefined): string {
  const tables = step?.tables ?? [];
  if (tables.length === 0) return "not measured";
  const stages = [...new Set(tables.flatMap((t) => Object.keys(t.seconds ?? {})))];
  const rows = tables.map((t) => {
    const seconds = stages.map((s) => t.seconds?.[s] ?? 0);
    return [
      t.table,
      (t.inserted + t.updated + t.deleted).toLocaleString("en-US"),
      ...seconds.map((x) => x.toFixed(2)),
      seconds.reduce((a, b) => a + b, 0).toFixed(2),
    ];
  });
  return textTable(["table", "rows written", ...stages, "total"], rows);
}

/** History on against off: the change step's seconds with and without it, and what the log took. */
export function formatHistoryCost(
  on: StepResult | undefined,
  off: StepResult | undefined,
  change = "1 % changed",
): string {
  if (!on || !off || !Number.isFinite(on.seconds) || !Number.isFinite(off.seconds)) return "not measured";
  const rows = on.history?.rows ?? 0;
  const bytes = on.history?.bytes ?? 0;
  return [
    `${change} with history ${on.seconds.toFixed(2)} s, without ${off.seconds.toFixed(2)} s: ${(on.seconds / off.seconds).toFixed(2)}x (target <= 1.2)`,
    `history written: ${rows.toLocaleString("en-US")} rows, ${(bytes / 1048576).toFixed(1)} MB of keys and values (${rows > 0 ? (bytes / rows).toFixed(0) : 0} bytes per changed row, before InnoDB's overhead)`,
  ].join("\n");
}
