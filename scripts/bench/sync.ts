/**
 * Runs the engine's command line as `npm run etl` does (the esbuild bundle, `node .cache/etl-cli.mjs … --json`,
 * one process; bundled once per bench by buildEngine()) as a child, timed from spawn to exit, with its peak RSS from GNU time (`/usr/bin/time -f %M`)
 * or, without it, from the peakRssBytes the engine reports itself.
 */

import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { statfs } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { engineEnv, engineNodeFlags } from "../../lib/etl/engine-memory";

const gnuTime = "/usr/bin/time";
const engineBundle = ".cache/etl-cli.mjs";

/** Bundles the engine's command line as `npm run etl` does, so every step runs the same code. */
export function buildEngine(cwd = process.cwd()): void {
  const build = spawnSync("npm", ["run", "-s", "etl:build"], { cwd, encoding: "utf8" });
  if (build.status !== 0) throw new Error(`npm run etl:build failed:\n${build.stdout}${build.stderr}`);
}

export interface SyncTableCounters {
  table: string;
  read: number;
  inserted: number;
  updated: number;
  unchanged: number;
  deleted: number;
  rejected: number;
  duplicates: number;
  status?: string;
  error?: string | null;
  /** Time per stage (download, load, apply, index), when the engine reports it. */
  seconds?: Record<string, number>;
}

export interface SyncSummary {
  id: number;
  status: string;
  error?: string | null;
  peakRssBytes?: number;
  tables: SyncTableCounters[];
}

export interface SyncResult {
  exitCode: number | null;
  seconds: number;
  peakRssBytes: number;
  /** Where the peak came from: GNU time over the process tree, or the engine's own report. */
  peakRssSource: "time" | "engine";
  /** Disk used on the filesystems of the project and the temporary folder, over what it was at the start. */
  disk: DiskGrowth;
  summary: SyncSummary;
}

/** Disk growth during a run: at its highest, and at its end (the difference was temporary). */
export interface DiskGrowth {
  peakBytes: number;
  endBytes: number;
}

/**
 * Samples the used bytes of the filesystems holding `paths` (each counted once) every 250 ms until stop():
 * the database's files, its temporary sort files, downloads and kept files all land there. Other writers to
 * those filesystems count too: the bench runs alone.
 */
export function watchDisk(paths: string[]): { stop(): Promise<DiskGrowth> } {
  const devices = new Map<number, string>();
  for (const p of paths) devices.set(statSync(p).dev, p);
  const used = async () => {
    let total = 0;
    for (const p of devices.values()) {
      const s = await statfs(p);
      total += (s.blocks - s.bfree) * s.bsize;
    }
    return total;
  };
  let start: number | undefined;
  let peak = 0;
  const sample = async () => {
    const now = await used();
    start ??= now;
    peak = Math.max(peak, now - start);
    return now - start;
  };
  const first = sample();
  const timer = setInterval(() => void sample().catch(() => undefined), 250);
  return {
    async stop() {
      clearInterval(timer);
      await first;
      const end = await sample();
      return { peakBytes: peak, endBytes: end };
    },
  };
}

export interface SyncOptions {
  databaseUrl: string;
  mode: "first-run" | "incremental";
  source: string;
  cwd?: string;
  /** KEPT_DIR of the run: the bench keeps its kept files apart, and starts without any to measure the table path. */
  keptDir?: string;
  /** false: the run logs no change history (HISTORY_RETENTION=*=off), to measure what the history costs. */
  history?: boolean;
}

/** The run summary: the last line of stdout that parses as JSON. */
export function parseSummary(stdout: string): SyncSummary {
  const lines = stdout.trimEnd().split("\n");
  for (let i = lines.length - 1; i >= 0; i--) {
    const line = lines[i]?.trim() ?? "";
    if (!line.startsWith("{")) continue;
    try {
      return JSON.parse(line) as SyncSummary;
    } catch {}
  }
  throw new Error(`the engine printed no JSON summary; its output ended with:\n${lines.slice(-10).join("\n")}`);
}

/** Rows the run wrote: inserted + updated + deleted over all tables. */
export function rowsWritten(summary: SyncSummary): number {
  return summary.tables.reduce((sum, t) => sum + t.inserted + t.updated + t.deleted, 0);
}

const keep = (text: string, more: string) => (text + more).slice(-256 * 1024);

export async function runSync(options: SyncOptions): Promise<SyncResult> {
  const cwd = options.cwd ?? process.cwd();
  // As `npm run etl` runs it (package.json), with the engine's Node.js flags and environment.
  const engine = [
    process.execPath,
    ...engineNodeFlags,
    engineBundle,
    "--mode",
    options.mode,
    "--source",
    options.source,
    "--json",
  ];
  const scratch = mkdtempSync(path.join(tmpdir(), "bench-time-"));
  const timeFile = path.join(scratch, "rss");
  const useTime = existsSync(gnuTime);
  const [command, ...args] = useTime ? [gnuTime, "-f", "%M", "-o", timeFile, ...engine] : engine;
  const disk = watchDisk([cwd, tmpdir()]);
  const started = performance.now();
  try {
    const { code, stdout, stderr } = await new Promise<{ code: number | null; stdout: string; stderr: string }>(
      (resolve, reject) => {
        const child = spawn(command as string, args, {
          cwd,
          env: {
            ...process.env,
            ...engineEnv,
            DATABASE_URL: options.databaseUrl,
            LOG_LEVEL: "warn",
            ...(options.keptDir ? { KEPT_DIR: options.keptDir } : {}),
            // Set either way, so that a HISTORY_RETENTION of the shell does not change what is measured.
            HISTORY_RETENTION: options.history === false ? "*=off" : "*=all",
          },
          stdio: ["ignore", "pipe", "pipe"],
        });
        let out = "";
        let err = "";
        child.stdout.on("data", (chunk: Buffer) => {
          out = keep(out, chunk.toString());
        });
        child.stderr.on("data", (chunk: Buffer) => {
          err = keep(err, chunk.toString());
        });
        child.on("error", reject);
        child.on("close", (exit) => resolve({ code: exit, stdout: out, stderr: err }));
      },
    );
    const seconds = (performance.now() - started) / 1000;
    const diskGrowth = await disk.stop();
    let summary: SyncSummary;
    try {
      summary = parseSummary(stdout);
    } catch (error) {
      if (code === 0) throw error;
      throw new Error(`the engine exited with ${code}:\n${stderr.slice(-4000)}`);
    }
    const kilobytes = useTime ? Number(readFileSync(timeFile, "utf8").trim().split("\n").pop()) : Number.NaN;
    if (Number.isFinite(kilobytes)) {
      return {
        exitCode: code,
        seconds,
        peakRssBytes: kilobytes * 1024,
        peakRssSource: "time",
        disk: diskGrowth,
        summary,
      };
    }
    const peakRssBytes = summary.peakRssBytes ?? 0;
    return { exitCode: code, seconds, peakRssBytes, peakRssSource: "engine", disk: diskGrowth, summary };
  } finally {
    await disk.stop().catch(() => undefined);
    rmSync(scratch, { recursive: true, force: true });
  }
}
