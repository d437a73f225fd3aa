/**
 * The one place that opens database connections: a mysql2 pool per URL (cached on globalThis so
 * dev reloads and repeated imports share it) and the drizzle instance over it.
 */
import { drizzle, type MySql2Database } from "drizzle-orm/mysql2";
import mysql from "mysql2/promise";
import * as schema from "../../db/schema";
import { currentUrl } from "./failover";

export type Pool = mysql.Pool;
export type Db = MySql2Database<typeof schema>;

const cache = globalThis as unknown as { imdbPools?: Map<string, Pool> };

/** The URL of the database node in use (DATABASE_URL, or another node of DATABASE_HOSTS after a failover). */
export function databaseUrl(): string {
  return currentUrl();
}

/** A pool for the given server; one per URL for the life of the process. */
export function getPool(url: string = databaseUrl()): Pool {
  cache.imdbPools ??= new Map();
  let pool = cache.imdbPools.get(url);
  if (!pool) {
    pool = mysql.createPool({
      uri: url,
      // A run holds its lock's connection, the heartbeat's, and up to four per table for two tables at once.
      connectionLimit: 16,
      charset: "utf8mb4_unicode_ci",
      timezone: "Z",
      supportBigNumbers: true,
      bigNumberStrings: false,
      enableKeepAlive: true,
      // Its statement cache preallocates arrays of this many entries per connection (16,000 by default: ~0.7 MB
      // each); the project prepares few statements.
      maxPreparedStatements: 64,
    });
    cache.imdbPools.set(url, pool);
  }
  return pool;
}

export function getDb(url?: string): Db {
  return drizzle(getPool(url), { schema, mode: "default" });
}

/** Closes every pool this process opened (CLI and tests). */
export async function closePools(): Promise<void> {
  const pools = [...(cache.imdbPools?.values() ?? [])];
  cache.imdbPools?.clear();
  await Promise.all(pools.map((pool) => pool.end()));
}
