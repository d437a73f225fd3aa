/**
 * Search statements bounded in time (search.ts): a search reads a word's rows most popular first and stops at
 * its limit, but a filter few of them pass (a genre, a year) can make it read far down a common word's list, so
 * each statement has a limit, and one that reaches it answers with no rows rather than hold a connection and a
 * core.
 */
import "server-only";
import type { Pool, RowDataPacket } from "mysql2/promise";

/** The longest one search statement may run; past it a group comes back empty. */
export const searchStatementMs = 2000;

export interface ServerInfo {
  mariadb: boolean;
}
const infoByPool = new WeakMap<Pool, Promise<ServerInfo>>();

/** The server's kind (how a statement's time is limited), read once per pool. */
export function serverInfo(pool: Pool): Promise<ServerInfo> {
  let info = infoByPool.get(pool);
  if (!info) {
    info = pool
      .query<RowDataPacket[]>("SELECT VERSION() AS version")
      .then(([rows]) => ({ mariadb: /mariadb/i.test(String(rows[0]?.version ?? "")) }))
      .catch(() => ({ mariadb: true }));
    infoByPool.set(pool, info);
  }
  return info;
}

/**
 * The statement was stopped by its time limit: MariaDB's ER_STATEMENT_TIMEOUT, the same stop seen by a sort
 * (ER_FILSORT_ABORT "Sort aborted: … (max_statement_time exceeded)") or by a storage engine (its
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
