/**
 * The console's expensive reads (genre pages, title and person pages, search, the changes lists, the overview's
 * figures) cached in memory, keyed by what was asked and by the mirror's data version.
 *
 * Why: at full size twenty people on the biggest genre page cost twenty copies of one 300 ms query, though the
 * data only changes when a sync commits. Every sync is a run, whichever process runs it (the console's worker,
 * `npm run etl`, a schedule), so the newest run's row tells when to read again: one primary-key read per call.
 *
 * The version, and how long an answer is served:
 * - No run active (the newest run has ended): its id, status and end, and the change log's horizon. A run
 *   writes all its data before its end is recorded, and a new run changes the newest id, so an answer is served
 *   until the version changes. The purge of old change-log entries, after a run's end, raises the horizon as it
 *   finishes each table.
 * - A run queued or running: its tables commit one by one (an apply's transaction, a first build's RENAME, the
 *   search index's batches at the end), so an answer is served for READ_CACHE_RUN_SECONDS after its query began,
 *   re-read in the background after half of that: a page is at most that far (and one query) behind during a
 *   run, and not behind at all once the run has ended. A re-read still running at READ_CACHE_RUN_SECONDS (a
 *   server loaded by the sync) keeps the answer served until it ends, up to three times that.
 * - Anything written without a run (by hand) shows after READ_CACHE_MAX_AGE_SECONDS at most.
 *
 * Concurrent calls with the same key and version share one query. Callers must not change what they get: the
 * same object goes to every caller.
 */
import "server-only";
import { LRUCache } from "lru-cache";
import type { Pool, RowDataPacket } from "mysql2/promise";
import { isActiveRunStatus } from "@/db/run-states";
import { env } from "@/lib/env";

export interface DataVersion {
  key: string;
  /** A run is queued or running: data may change at any moment. */
  running: boolean;
}

/** The mirror's data version: one read of the newest run (etl_runs by primary key) and the horizon's few rows. */
export async function dataVersion(pool: Pool): Promise<DataVersion> {
  const [rows] = await pool.query<RowDataPacket[]>(
    `SELECT id, status, finished_at, (SELECT COALESCE(SUM(after_run), 0) FROM etl_history_horizon) AS horizon
       FROM etl_runs ORDER BY id DESC LIMIT 1`,
  );
  const run = rows[0];
  if (!run) return { key: "no run", running: false };
  const ended = run.finished_at instanceof Date ? run.finished_at.getTime() : String(run.finished_at);
  return { key: `${run.id}:${run.status}:${ended}:${run.horizon}`, running: isActiveRunStatus(String(run.status)) };
}

interface Entry {
  version: string;
  /** When the query that read it began (Date.now()). */
  startedAt: number;
  value: unknown;
}

/** An answer's size for the cache's bound: its JSON's length (what the page will mostly send on, too). */
function sizeOf(entry: Entry, key: string): number {
  try {
    return key.length + (JSON.stringify(entry.value)?.length ?? 0) + 64;
  } catch {
    return key.length + 65_536;
  }
}

/** One cache per process, on globalThis as the pools are (lib/db): every bundle of the app and a dev reload share it. */
const shared = globalThis as unknown as {
  imdbReadCache?: {
    entries: LRUCache<string, Entry> | undefined;
    inFlight: Map<string, Promise<unknown>>;
    /** Each pool's answers apart (the tests' databases, another cluster node after a failover). */
    poolIds: WeakMap<Pool, number>;
    pools: number;
  };
};
shared.imdbReadCache ??= {
  entries:
    env.READ_CACHE_SIZE > 0
      ? new LRUCache<string, Entry>({
          maxSize: env.READ_CACHE_SIZE,
          sizeCalculation: sizeOf,
          ttl: env.READ_CACHE_MAX_AGE_SECONDS * 1000,
        })
      : undefined,
  inFlight: new Map(),
  poolIds: new WeakMap(),
  pools: 0,
};
const state = shared.imdbReadCache;
const { entries, inFlight } = state;
const runMs = env.READ_CACHE_RUN_SECONDS * 1000;

function poolId(pool: Pool): number {
  let id = state.poolIds.get(pool);
  if (id === undefined) {
    id = ++state.pools;
    state.poolIds.set(pool, id);
  }
  return id;
}

/** One query per key and version at a time: the calls that come meanwhile share it. */
const flightKey = (id: string, version: DataVersion) => `${id}\n${version.key}`;

/** Runs `load` once for all callers of the same key and version; keeps its answer unless `keep` says no. */
function loadOnce<T>(
  cache: LRUCache<string, Entry>,
  id: string,
  version: DataVersion,
  load: () => Promise<T>,
  keep: (value: T) => boolean,
): Promise<T> {
  const flight = flightKey(id, version);
  const pending = inFlight.get(flight);
  if (pending) return pending as Promise<T>;
  const startedAt = Date.now();
  const loaded = load()
    .then((value) => {
      const current = cache.peek(id);
      // A slower query that began earlier must not replace a newer answer.
      if (keep(value) && (!current || current.startedAt <= startedAt)) {
        cache.set(id, { version: version.key, startedAt, value });
      }
      return value;
    })
    .finally(() => inFlight.delete(flight));
  inFlight.set(flight, loaded);
  return loaded;
}

/**
 * `load()`'s answer for `key` (the read's name and arguments, as JSON) on `pool`'s database, from the cache when
 * the data version allows (see above). `keep` leaves an answer out of the cache (a search cut short by its time
 * limit) while still sharing it with the calls that waited for it.
 */
export async function readThrough<T>(
  pool: Pool,
  key: unknown[],
  load: () => Promise<T>,
  keep: (value: T) => boolean = () => true,
): Promise<T> {
  if (!entries) return load();
  const version = await dataVersion(pool);
  const id = `${poolId(pool)}:${JSON.stringify(key)}`;
  const entry = entries.get(id);
  const age = entry ? Date.now() - entry.startedAt : Number.POSITIVE_INFINITY;
  if (entry && (version.running ? age < runMs / 2 : entry.version === version.key)) return entry.value as T;
  const refreshing = inFlight.has(flightKey(id, version));
  const loaded = loadOnce(entries, id, version, load, keep);
  // During a run, the answer meanwhile: up to READ_CACHE_RUN_SECONDS old, or up to three times that while its
  // re-read (begun at half) still runs, so that twenty clients of a page on a server loaded by the sync wait for
  // nobody (the bench's console step had p95 tails of 3.7-4.2 s where such an answer expired mid-run).
  if (entry && version.running && (age < runMs || (refreshing && age < runMs * 3))) {
    loaded.catch(() => undefined);
    return entry.value as T;
  }
  return loaded;
}
