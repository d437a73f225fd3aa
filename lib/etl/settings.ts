/**
 * The engine's settings: what it takes as arguments (EngineSettings), read from the environment in one place
 * (settingsFromEnv, the only reader of lib/env.ts in the engine), and the transaction sizes the server it runs
 * against allows (a Galera node's writeset limit).
 */
import type { Pool, RowDataPacket } from "mysql2/promise";
import { env } from "../env";
import { type HistorySettings, parseHistoryRetention } from "./history";
import type { SourceSettings } from "./source";

export interface EngineSettings {
  chunkRows: number;
  /** Largest LOAD DATA statement in bytes (split beyond); undefined: see maxStatementBytes. */
  maxTxnBytes?: number;
  /** Where each mirror's kept files live (kept-file.ts), one folder per database under it. */
  keptDir: string;
  deleteGuardShare: number;
  maxRejects: number;
  source: SourceSettings;
  /** Per table: whether incremental runs log their changes, and how long the log is kept (HISTORY_RETENTION). */
  history: HistorySettings;
}

export function settingsFromEnv(): EngineSettings {
  return {
    chunkRows: env.CHUNK_ROWS,
    maxTxnBytes: env.MAX_TXN_BYTES,
    keptDir: env.KEPT_DIR ?? `${env.DATA_DIR}/kept`,
    deleteGuardShare: env.DELETE_GUARD_SHARE,
    maxRejects: env.MAX_REJECTS,
    history: parseHistoryRetention(env.HISTORY_RETENTION),
    source: {
      baseUrl: env.IMDB_BASE_URL,
      downloadDir: env.DOWNLOAD_DIR ?? `${env.DATA_DIR}/downloads`,
      localDir: env.IMDB_LOCAL_DIR,
      timeoutMs: env.HTTP_TIMEOUT_MS,
      retries: env.HTTP_RETRIES,
      maxDownloadBytes: env.MAX_DOWNLOAD_BYTES,
    },
  };
}

export interface TransactionBounds {
  maxTxnBytes?: number;
  fragmentBytes?: number;
}

/**
 * How big a sync's transactions may be. Loads are split at the configured size; else, on a Galera node, at
 * half its writeset limit (wsrep_max_ws_size: a larger transaction fails to replicate); else not at all. On a
 * Galera node a transaction that must stay whole (the apply) is replicated in fragments of the same size.
 */
export async function transactionBounds(pool: Pool, configured: number | undefined): Promise<TransactionBounds> {
  const [rows] = await pool.query<RowDataPacket[]>(
    "SHOW GLOBAL VARIABLES WHERE Variable_name IN ('wsrep_on', 'wsrep_max_ws_size')",
  );
  const value = (name: string) => rows.find((r) => r.Variable_name === name)?.Value as string | undefined;
  if (value("wsrep_on") !== "ON") return { maxTxnBytes: configured };
  const bytes = configured ?? Math.floor(Number(value("wsrep_max_ws_size") ?? 2 ** 31) / 2);
  return { maxTxnBytes: bytes, fragmentBytes: bytes };
}
