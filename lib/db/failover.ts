/**
 * Several nodes of one cluster: DATABASE_URL and the nodes in DATABASE_HOSTS (same user, password and
 * database). The process uses one node at a time; when it stops answering, the next one that answers takes
 * over (checked every few seconds in the web server, and at once where a failure was seen: the health check,
 * a run that lost its node). Runs are not moved mid-sync: one that loses its node fails, recorded through a
 * node that answers, and the next run starts from what the cluster holds.
 */
import mysql from "mysql2/promise";
import { env } from "../env";
import { logger } from "../log";

/** DATABASE_URL, then each `host[:port]` of DATABASE_HOSTS with DATABASE_URL's credentials and database. */
export function nodeUrls(primary: string, hosts: string | undefined): string[] {
  const urls = [primary];
  for (const entry of (hosts ?? "").split(",").map((h) => h.trim())) {
    if (!entry) continue;
    const url = new URL(primary);
    const at = new URL(`mysql://${entry}`);
    url.hostname = at.hostname;
    url.port = at.port;
    if (!urls.includes(url.toString())) urls.push(url.toString());
  }
  return urls;
}

const state = globalThis as unknown as { imdbNodeIndex?: number; imdbNodeUrls?: string[] };

/** The configured nodes (read once: every query asks which node is in use). */
function configuredUrls(): string[] {
  if (!env.DATABASE_URL) {
    throw new Error("DATABASE_URL is not set: start through `npm start` (private database) or set it.");
  }
  state.imdbNodeUrls ??= nodeUrls(env.DATABASE_URL, env.DATABASE_HOSTS);
  return state.imdbNodeUrls;
}

/** The URL of the node in use. */
export function currentUrl(): string {
  const urls = configuredUrls();
  return urls[state.imdbNodeIndex ?? 0] ?? (urls[0] as string);
}

/** The host:port of a URL, for messages (never its credentials). */
export function nodeName(url: string): string {
  return new URL(url).host;
}

const lostCodes = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "ETIMEDOUT",
  "EPIPE",
  "PROTOCOL_CONNECTION_LOST",
  "ER_SERVER_SHUTDOWN",
  "ER_CONNECTION_KILLED",
  // A Galera node that left the primary component answers every query with this.
  "ER_UNKNOWN_COM_ERROR",
]);

/** Whether an error (or its cause) says the node could not be reached or the connection to it was lost. */
export function isConnectionLost(error: unknown): boolean {
  for (let e = error as { code?: string; cause?: unknown } | undefined; e; e = e.cause as typeof e) {
    if (e.code && lostCodes.has(e.code)) return true;
    if ((e as { fatal?: boolean }).fatal === true) return true;
  }
  return false;
}

/** The driver's own words for a lost connection (the innermost cause), without the query drizzle wraps it in. */
export function lostReason(error: unknown): string {
  let reason = error as { message?: string; cause?: unknown } | undefined;
  while (reason?.cause) reason = reason.cause as typeof reason;
  return reason?.message ?? String(error);
}

/** Whether the node answers a query within a couple of seconds. */
export async function nodeAnswers(url: string): Promise<boolean> {
  let connection: mysql.Connection | undefined;
  try {
    connection = await mysql.createConnection({ uri: url, connectTimeout: 2000 });
    await connection.query({ sql: "SELECT 1", timeout: 2000 });
    return true;
  } catch {
    return false;
  } finally {
    connection?.destroy();
  }
}

/**
 * The first of `urls`, in order after `than`, that answers; undefined when none does. Used to record what
 * happened to a run whose node stopped answering.
 */
export async function otherAnsweringNode(urls: string[], than: string): Promise<string | undefined> {
  const from = Math.max(0, urls.indexOf(than));
  for (let step = 1; step < urls.length; step++) {
    const url = urls[(from + step) % urls.length] as string;
    if (await nodeAnswers(url)) return url;
  }
  return undefined;
}

/**
 * Checks the node in use and, when it does not answer, moves to the next one that does. Returns the URL in
 * use afterwards (the same one when no other answers either).
 */
export async function ensureAnsweringNode(): Promise<string> {
  const url = currentUrl();
  if (configuredUrls().length === 1 || (await nodeAnswers(url))) return url;
  const next = await otherAnsweringNode(configuredUrls(), url);
  if (!next) return url;
  state.imdbNodeIndex = configuredUrls().indexOf(next);
  logger().warn({ from: nodeName(url), to: nodeName(next) }, "database node stopped answering: moved to another");
  return next;
}

/** Checks the node in use every few seconds (the web server), so pages move on by themselves. */
export function watchNodes(intervalMs = 5000): void {
  if (!env.DATABASE_URL || configuredUrls().length === 1) return;
  setInterval(() => void ensureAnsweringNode().catch(() => undefined), intervalMs).unref();
}
