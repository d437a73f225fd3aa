/**
 * The only reader of process.env. Every setting is validated once, here; an empty string counts as unset.
 */
import { z } from "zod";

const emptyAsUnset = (value: unknown) => (value === "" ? undefined : value);
const optional = <T extends z.ZodType>(schema: T) => z.preprocess(emptyAsUnset, schema.optional());
const withDefault = <T extends z.ZodType>(schema: T, fallback: z.input<T>) =>
  z.preprocess(emptyAsUnset, schema.prefault(fallback as never));

const units: Record<string, number> = { "": 1, K: 1 << 10, M: 1 << 20, G: 1 << 30 };
/** A size in bytes, plain or with a K, M or G suffix (`6G`, `512M`). */
const byteSize = z
  .string()
  .regex(/^\d+[KMG]?$/i, "a size like 6G, 512M or a number of bytes")
  .transform((text) => Number.parseInt(text, 10) * (units[text.replace(/^\d+/, "").toUpperCase()] ?? 1));

const schema = z.object({
  NODE_ENV: withDefault(z.enum(["development", "production", "test"]), "development"),
  /** mysql://user:pass@host:port/db. Unset: the private server under .data/ is used. */
  DATABASE_URL: optional(z.string().url()),
  /**
   * Other nodes of the same cluster as DATABASE_URL, `host[:port],…` (same user, password and database): when
   * the node in use stops answering, the console and new runs move to the next one that answers.
   */
  DATABASE_HOSTS: optional(z.string()),
  HOST: withDefault(z.string(), "127.0.0.1"),
  /**
   * Reverse proxies whose X-Forwarded-For / -Proto the console believes (addresses, CIDR ranges, or `loopback`,
   * `linklocal`, `uniquelocal`; comma-separated). Unset: none, and the client's address is the socket's peer.
   */
  TRUSTED_PROXIES: optional(z.string()),
  PORT: withDefault(z.coerce.number().int().positive(), 3000),
  /** Port of the private database server (only used when DATABASE_URL is unset). */
  /** Unset: 33306, or a free port when that one is taken, remembered in DATA_DIR (lib/db/private-server.ts). */
  PRIVATE_DB_PORT: optional(z.coerce.number().int().positive()),
  /** The private server's InnoDB buffer pool in bytes (`6G`, `512M` or a number); unset: a quarter of the memory. */
  PRIVATE_DB_BUFFER_POOL: optional(byteSize),
  DATA_DIR: withDefault(z.string(), ".data"),
  LOG_DIR: withDefault(z.string(), "logs"),
  LOG_LEVEL: withDefault(z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]), "info"),
  IMDB_BASE_URL: withDefault(z.string().url(), "https://datasets.imdbws.com/"),
  /** A folder of IMDb .tsv.gz / .tsv files offered as the "local folder" source. */
  IMDB_LOCAL_DIR: optional(z.string()),
  /** Where downloaded .tsv.gz files are kept between runs (conditional GET needs them). */
  DOWNLOAD_DIR: optional(z.string()),
  /** The kept copy of each table's last exactly synced file (the next incremental run diffs against it). */
  KEPT_DIR: optional(z.string()),
  /** Rows per staging batch; bounds memory whatever the file size. */
  CHUNK_ROWS: withDefault(z.coerce.number().int().min(100), 20000),
  /**
   * Largest LOAD DATA statement (one transaction) a sync sends, in bytes of rows; larger loads are split.
   * Unset: unbounded on a plain server, half of wsrep_max_ws_size on a Galera node.
   */
  MAX_TXN_BYTES: optional(
    z.coerce
      .number()
      .int()
      .min(1 << 16),
  ),
  /** A file that shrinks by more than this share against the last good sync keeps its deletes back. */
  DELETE_GUARD_SHARE: withDefault(z.coerce.number().min(0).max(1), 0.1),
  /** A run with more rejected lines than this (in all) fails. */
  MAX_REJECTS: withDefault(z.coerce.number().int().min(0), 1000),
  /**
   * The change history per table: `table=all|off|<n>d|<n>runs`, comma-separated, `*` for the others (default:
   * every table tracked, kept for ever). Parsed by lib/etl/history.ts.
   */
  HISTORY_RETENTION: optional(z.string()),
  HTTP_TIMEOUT_MS: withDefault(z.coerce.number().int().positive(), 60000),
  HTTP_RETRIES: withDefault(z.coerce.number().int().min(0), 3),
  /** The largest file a download may be (`10G`, `512M` or bytes); a longer one fails its table. */
  MAX_DOWNLOAD_BYTES: withDefault(byteSize, "10G"),
  ADMIN_PASSWORD: optional(z.string()),
  ADMIN_TOKEN: optional(z.string()),
  /** Keys the session credential check; unset: generated once into DATA_DIR/session-secret (mode 0600). */
  SESSION_SECRET: optional(z.string().min(16)),
  /**
   * Cron expression for `npm run schedule` (incremental syncs from IMDb), e.g. "30 3 * * *". Unset: the
   * schedule stored on the console's settings page.
   */
  SYNC_SCHEDULE: optional(z.string()),
  /** The shortest gap between two firings of a schedule (a minute; the tests lower it to fire within seconds). */
  SCHEDULE_MIN_INTERVAL_SECONDS: withDefault(z.coerce.number().int().min(1), 60),
  /** "off": this console instance does not run the stored schedule (another instance or process does). */
  CONSOLE_SCHEDULER: withDefault(z.enum(["on", "off"]), "on"),
  /** How often a scheduler re-reads the stored schedule, so an edit on one instance reaches the others. */
  SCHEDULE_POLL_SECONDS: withDefault(z.coerce.number().positive(), 15),
  /**
   * Webhooks that get a JSON POST when a run fails (and more: docs/operations.md), comma-separated. The list on
   * the Settings page applies as well. Only their scheme and host are ever logged.
   */
  NOTIFY_URLS: optional(z.string()),
  /** The console's public address, e.g. https://imdb.example.org: notifications link to the run's page. */
  CONSOLE_URL: optional(z.string().url()),
  /** The mirror is stale after this many hours without a successful sync (a banner, and `mirror.stale`). */
  STALE_AFTER_HOURS: withDefault(z.coerce.number().positive(), 36),
  /**
   * The console's cache of expensive reads (lib/queries/read-cache.ts): the JSON length of its answers, at most
   * (`32M` or bytes; the heap holds roughly two to three times that); 0 turns it off.
   */
  READ_CACHE_SIZE: withDefault(byteSize, "32M"),
  /** While a sync runs (its tables commit one by one), the oldest a cached answer may be, in seconds. */
  READ_CACHE_RUN_SECONDS: withDefault(z.coerce.number().positive(), 10),
  /** The oldest any cached answer may be: what is written without a sync (by hand) shows after this at most. */
  READ_CACHE_MAX_AGE_SECONDS: withDefault(z.coerce.number().positive(), 300),
});

export type Env = z.infer<typeof schema>;

function load(): Env {
  const parsed = schema.safeParse(process.env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `  ${i.path.join(".")}: ${i.message}`).join("\n");
    throw new Error(`Invalid configuration in the environment:\n${problems}`);
  }
  return parsed.data;
}

export const env: Env = load();
