/**
 * The console under load: `next start` over the bench database, 20 concurrent clients (autocannon) on every page
 * a person opens, one page after the other, while incremental syncs run beside them, one after another until the
 * last page is measured (one sync at 0.01× lasts a few seconds: a single one left most pages measured after it).
 * Each request's latency is recorded, so p50 / p95 / p99 are exact; the share of each window that a sync
 * overlapped is reported with it. A page is first requested alone (median of 5) and its HTML size noted, to tell
 * queueing on the 2 cores from the page's own cost.
 */
import autocannon from "autocannon";
import { buildConsoleIfStale } from "../console-build";
import { startConsole } from "../console-server";
import { textTable } from "./text-table";

export interface PageLoad {
  page: string;
  path: string;
  /** Median of 5 sequential requests with nothing else running from here. */
  aloneMs: number;
  htmlBytes: number;
  requests: number;
  errors: number;
  /** Answers other than 2xx (a 500 under load, a redirect to the login page). */
  non2xx: number;
  requestsPerSecond: number;
  p50: number;
  p95: number;
  p99: number;
  /** Share of the measurement window during which the sync was running. */
  syncOverlap: number;
}

export interface ConsoleLoadOptions {
  databaseUrl: string;
  pages: { page: string; path: string }[];
  connections: number;
  seconds: number;
  /**
   * Runs the `index`-th sync (0, 1, …) and resolves when it has ended: true to go on with the next one, false to
   * stop (a failed sync, so a broken sync does not spin). Called again as soon as one ends, until every page is measured.
   */
  sync: (index: number) => Promise<boolean>;
}

/** The time in [from, to] covered by the windows (a window still open ends at `now`). */
export function overlapMs(windows: { from: number; to?: number }[], from: number, to: number, now: number): number {
  let total = 0;
  for (const w of windows) total += Math.max(0, Math.min(to, w.to ?? now) - Math.max(from, w.from));
  return total;
}

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.ceil((p / 100) * sorted.length) - 1;
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank))] as number;
}

/** A page requested alone: the median of 5 after a warm-up, and its size. */
export async function alone(url: string): Promise<{ ms: number; bytes: number }> {
  const times: number[] = [];
  let bytes = 0;
  for (let i = 0; i < 6; i++) {
    const started = performance.now();
    const response = await fetch(url);
    bytes = (await response.arrayBuffer()).byteLength;
    if (!response.ok) throw new Error(`${url} answered ${response.status}`);
    if (i > 0) times.push(performance.now() - started);
  }
  times.sort((a, b) => a - b);
  return { ms: percentile(times, 50), bytes };
}

async function hammer(url: string, connections: number, seconds: number) {
  const latencies: number[] = [];
  const result = await new Promise<autocannon.Result>((resolve, reject) => {
    const instance = autocannon({ url, connections, duration: seconds }, (error, done) =>
      error ? reject(error) : resolve(done),
    );
    instance.on("response", (_client, _status, _bytes, responseTime) => {
      latencies.push(responseTime);
    });
  });
  latencies.sort((a, b) => a - b);
  return { result, latencies };
}

/**
 * The console on `databaseUrl` for measuring, built first when its sources changed; open access (no login): the
 * bench measures pages, not the login form. `extra`: more settings (READ_CACHE_SIZE=0 for cold pages).
 */
export async function startBenchConsole(databaseUrl: string, extra: Record<string, string> = {}) {
  const env = {
    ...process.env,
    DATABASE_URL: databaseUrl,
    ADMIN_PASSWORD: "",
    ADMIN_TOKEN: "",
    LOG_LEVEL: "warn",
    ...extra,
  };
  if (!buildConsoleIfStale(env)) throw new Error("next build failed");
  return startConsole(env);
}

export async function measureConsoleLoad(options: ConsoleLoadOptions): Promise<PageLoad[]> {
  const server = await startBenchConsole(options.databaseUrl);
  try {
    const quiet = new Map<string, { ms: number; bytes: number }>();
    for (const page of options.pages) quiet.set(page.path, await alone(`${server.baseUrl}${page.path}`));

    let measuring = true;
    const syncWindows: { from: number; to?: number }[] = [];
    const syncs = (async () => {
      for (let index = 0; measuring; index++) {
        const window: { from: number; to?: number } = { from: performance.now() };
        syncWindows.push(window);
        const goOn = await options.sync(index).finally(() => {
          window.to = performance.now();
        });
        if (!goOn) break;
      }
    })();
    const loads: PageLoad[] = [];
    try {
      for (const page of options.pages) {
        const from = performance.now();
        const { result, latencies } = await hammer(
          `${server.baseUrl}${page.path}`,
          options.connections,
          options.seconds,
        );
        const to = performance.now();
        const overlap = overlapMs(syncWindows, from, to, to);
        const q = quiet.get(page.path);
        loads.push({
          page: page.page,
          path: page.path,
          aloneMs: q?.ms ?? Number.NaN,
          htmlBytes: q?.bytes ?? 0,
          requests: latencies.length,
          errors: result.errors + result.timeouts,
          non2xx: result.non2xx,
          requestsPerSecond: latencies.length / options.seconds,
          p50: percentile(latencies, 50),
          p95: percentile(latencies, 95),
          p99: percentile(latencies, 99),
          syncOverlap: overlap / (to - from),
        });
      }
    } finally {
      measuring = false;
      await syncs;
    }
    return loads;
  } finally {
    server.stop();
  }
}

/** The terminal table of the load step. */
export function formatConsoleLoad(loads: PageLoad[], connections: number): string {
  const header = ["page", "alone ms", "KB", "req/s", "p50 ms", "p95 ms", "p99 ms", "errors", "non-2xx", "during sync"];
  const rows = loads.map((l) => [
    `${l.page} (${l.path})`,
    l.aloneMs.toFixed(1),
    (l.htmlBytes / 1024).toFixed(0),
    l.requestsPerSecond.toFixed(1),
    l.p50.toFixed(0),
    l.p95.toFixed(0),
    l.p99.toFixed(0),
    String(l.errors),
    String(l.non2xx),
    `${Math.round(l.syncOverlap * 100)} %`,
  ]);
  return `${connections} concurrent clients per page\n${textTable(header, rows)}`;
}
