/**
 * The console under load: `next start` over the bench database, 20 concurrent clients (autocannon) on the
 * genre, title and search pages, one page after the other, while an incremental sync runs beside them.
 * Each request's latency is recorded, so p50 / p95 / p99 are exact; the time each window overlapped the sync
 * is reported with it (a short sync may end before the last page is measured). A page is first requested
 * alone (median of 5) and its HTML size noted, to tell queueing on the 2 cores from the page's own cost.
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
  /** Starts the sync that runs during the measurement; resolves when it has ended. */
  startSync: () => Promise<unknown>;
}

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.ceil((p / 100) * sorted.length) - 1;
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank))] as number;
}

async function alone(url: string): Promise<{ ms: number; bytes: number }> {
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

export async function measureConsoleLoad(options: ConsoleLoadOptions): Promise<PageLoad[]> {
  // Open access (no login): the bench measures pages, not the login form.
  const env = {
    ...process.env,
    DATABASE_URL: options.databaseUrl,
    ADMIN_PASSWORD: "",
    ADMIN_TOKEN: "",
    LOG_LEVEL: "warn",
  };
  if (!buildConsoleIfStale(env)) throw new Error("next build failed");
  const server = await startConsole(env);
  try {
    const quiet = new Map<string, { ms: number; bytes: number }>();
    for (const page of options.pages) quiet.set(page.path, await alone(`${server.baseUrl}${page.path}`));

    let syncEnded: number | undefined;
    const syncStarted = performance.now();
    const sync = options.startSync().finally(() => {
      syncEnded = performance.now();
    });
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
        const overlap = Math.max(0, Math.min(to, syncEnded ?? to) - Math.max(from, syncStarted));
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
      await sync;
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
