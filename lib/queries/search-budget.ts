/**
 * Search statements bounded in time (search.ts): a word in a large share of the rows costs InnoDB's full-text
 * search about 15 µs per matching row, so each statement has a limit, and one that reaches it answers with no
 * rows rather than holding a connection and a core.
 */
import "server-only";
import type { Pool, RowDataPacket } from "mysql2/promise";
import { defaultTokenBounds, type TokenBounds } from "./search-text";

/**
 * The longest one search statement may run. The full-text index costs about 15 µs per matching row (0.1× on
 * 2 busy cores): a word in a fifth of the titles (the generator's small vocabulary; "episode" at IMDb) would
 * take seconds. Past this a group comes back empty rather than hold a connection and a core.
 */
export const searchStatementMs = 2000;

export interface ServerInfo {
  bounds: TokenBounds;
  mariadb: boolean;
}
const infoByPool = new WeakMap<Pool, Promise<ServerInfo>>();

/** The server's full-text token bounds and kind, read once per pool. */
export function serverInfo(pool: Pool): Promise<ServerInfo> {
  let info = infoByPool.get(pool);
  if (!info) {
    info = pool
      .query<RowDataPacket[]>(
        "SELECT @@innodb_ft_min_token_size AS min, @@innodb_ft_max_token_size AS max, VERSION() AS version",
      )
      .then(([rows]) => ({
        bounds: {
          min: Number(rows[0]?.min) || defaultTokenBounds.min,
          max: Number(rows[0]?.max) || defaultTokenBounds.max,
        },
        mariadb: /mariadb/i.test(String(rows[0]?.version ?? "")),
      }))
      .catch(() => ({ bounds: defaultTokenBounds, mariadb: true }));
    infoByPool.set(pool, info);
  }
  return info;
}

/**
 * The statement was stopped by its time limit: MariaDB's ER_STATEMENT_TIMEOUT, the same stop seen by a sort
 * (ER_FILSORT_ABORT "Sort aborted: … (max_statement_time exceeded)") or by InnoDB's full-text search (its
 * HA_ERR_ABORTED_BY_USER, "Unknown error 188"), ER_QUERY_INTERRUPTED; MySQL's ER_QUERY_TIMEOUT.
 */
export function ranOutOfTime(error: unknown): boolean {
  const { errno, message } = error as { errno?: number; message?: string };
  if (errno === 1969 || errno === 3024 || errno === 188 || errno === 1317) return true;
  return /max_statement_time|maximum statement execution time/i.test(String(message ?? ""));
}

/** Whether a statement of one search ran out of time (its typo pass is then not tried: it would too). */
export interface Budget {
  timedOut: boolean;
}

/** A search statement bounded by searchStatementMs: its rows, or none when it ran out of time. */
export async function bounded(pool: Pool, sql: string, params: unknown[], budget: Budget): Promise<RowDataPacket[]> {
  const { mariadb } = await serverInfo(pool);
  const limited = mariadb
    ? `SET STATEMENT max_statement_time = ${searchStatementMs / 1000} FOR ${sql}`
    : sql.replace(/^\s*SELECT/i, `SELECT /*+ MAX_EXECUTION_TIME(${searchStatementMs}) */`);
  try {
    const [rows] = await pool.query<RowDataPacket[]>(limited, params);
    return rows;
  } catch (error) {
    if (!ranOutOfTime(error)) throw error;
    budget.timedOut = true;
    return [];
  }
}
