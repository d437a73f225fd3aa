/**
 * `npm start`'s migrations with something answering on HOST:PORT meanwhile: migration 0011 copies every IMDb table,
 * about an hour at full size, and a console that does not answer for that long looks dead. While migrations are
 * pending, a bare node:http placeholder (no Next, no database reads but the progress) answers every request with a
 * 503: /api/health with `{"status":"migrating"}` (as bare as the real one is to anonymous callers), any other GET
 * with a page that says which migration and statement run and how far they are, refreshing itself. It changes
 * nothing and shows no data and no setting; it closes its port before the console's server is started on it.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { isLoopbackHost } from "../lib/auth/guard";
import { migrateDatabase, migrationsFolder } from "../lib/db/migrate";
import {
  describeProgress,
  type MigrationProgress,
  pendingMigrations,
  watchMigrations,
} from "../lib/db/migration-status";
import { securityHeaders } from "../lib/security-headers";

export interface MigrateWhileServingOptions {
  host: string;
  port: number;
  /** With auth off the console answers loopback Host names only (no DNS rebinding); so does the placeholder. */
  loopbackOnly: boolean;
  folder?: string;
  /** How often the start log repeats the progress. */
  logEveryMs?: number;
  log?: (line: string) => void;
}

/** Seconds a browser waits before it asks again (meta refresh) and clients are told to (Retry-After). */
const retrySeconds = 5;

/** No script, no style sheet, no image: the page is its own HTML with an inline style. */
const placeholderPolicy =
  "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/**
 * The page. With a login set (ADMIN_PASSWORD / ADMIN_TOKEN) the console may be reached from elsewhere and the
 * placeholder cannot check the login, so it says only that an upgrade runs; the progress is in the start log.
 */
function page(progress: MigrationProgress | undefined): string {
  const now = progress
    ? `<p><strong>Now:</strong> <code>${escapeHtml(describeProgress(progress))}</code></p>`
    : "<p>How far it is: the console's start log, every 10 s.</p>";
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta http-equiv="refresh" content="${retrySeconds}">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>Upgrading the database · IMDb Sync Console</title>
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:40rem;margin:4rem auto;padding:0 1rem;color:#1f2933}
code{background:#eef2f6;padding:.1rem .3rem;border-radius:3px}</style></head>
<body><h1>Upgrading the database</h1>
<p>The console applies its database migrations before it serves pages. A migration that rebuilds the IMDb tables
takes a while on a large mirror (about an hour at full size); this page refreshes itself every ${retrySeconds} s and
the console appears here when it is done.</p>
${now}
</body></html>
`;
}

function respond(
  request: IncomingMessage,
  response: ServerResponse,
  status: number,
  type: string,
  body: string,
  extra: Record<string, string> = {},
) {
  const headers: Record<string, string> = {
    "content-type": type,
    "cache-control": "no-store",
    "content-security-policy": placeholderPolicy,
    ...Object.fromEntries(securityHeaders.map((h) => [h.key, h.value])),
    ...extra,
  };
  // A request with a body is never read: the connection closes after the answer instead.
  if (request.headers["content-length"] || request.headers["transfer-encoding"]) headers.connection = "close";
  response.writeHead(status, headers);
  response.end(request.method === "HEAD" ? undefined : body);
}

/** The placeholder, listening on host:port; `progress()` is what its page shows. */
export async function startMigratingServer(
  host: string,
  port: number,
  loopbackOnly: boolean,
  progress: () => MigrationProgress,
): Promise<Server> {
  const server = createServer((request, response) => {
    if (loopbackOnly && !isLoopbackHost(request.headers.host ?? null)) {
      respond(
        request,
        response,
        403,
        "text/plain; charset=utf-8",
        "With no ADMIN_PASSWORD or ADMIN_TOKEN set, the console answers loopback names only.\n",
      );
      return;
    }
    const retry = { "retry-after": String(retrySeconds) };
    const path = (request.url ?? "/").split("?")[0];
    const method = request.method ?? "GET";
    if (path === "/api/health" && (method === "GET" || method === "HEAD")) {
      respond(request, response, 503, "application/json", JSON.stringify({ status: "migrating" }), retry);
    } else if (method === "GET" || method === "HEAD") {
      respond(request, response, 503, "text/html; charset=utf-8", page(loopbackOnly ? progress() : undefined), retry);
    } else {
      const body = {
        status: "migrating",
        message: "The database is being upgraded; nothing can change until it ends.",
      };
      respond(request, response, 503, "application/json", JSON.stringify(body), retry);
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  return server;
}

/** Stops accepting and drops the connections browsers keep alive, so that the port is free when this resolves. */
export function closeServer(server: Server): Promise<void> {
  return new Promise((resolve, reject) => {
    server.close((error) => (error ? reject(error) : resolve()));
    server.closeAllConnections();
  });
}

/**
 * Runs migrateDatabase; when migrations are pending, with the placeholder on host:port and the progress in the log
 * every `logEveryMs` meanwhile. Without pending migrations it only migrates (which then does nothing), as before.
 */
export async function migrateWhileServing(url: string, options: MigrateWhileServingOptions): Promise<void> {
  const folder = options.folder ?? migrationsFolder;
  const log = options.log ?? ((line: string) => console.log(line));
  const pending = await pendingMigrations(url, folder);
  if (pending.length === 0) return migrateDatabase(url, folder);

  let latest: MigrationProgress = { total: pending.length };
  const server = await startMigratingServer(options.host, options.port, options.loopbackOnly, () => latest);
  log(
    `Upgrading the database: ${pending.length} migration(s) to apply (${pending.map((m) => m.tag).join(", ")}); ` +
      `http://${options.host}:${options.port}/ says how far it is.`,
  );
  const watcher = watchMigrations(url, pending, (progress) => {
    latest = progress;
  });
  const started = Date.now();
  const logger = setInterval(() => log(`Migrating: ${describeProgress(latest)}`), options.logEveryMs ?? 10_000);
  try {
    await migrateDatabase(url, folder);
    log(`Database upgraded in ${((Date.now() - started) / 1000).toFixed(1)} s.`);
  } finally {
    clearInterval(logger);
    await watcher.stop();
    await closeServer(server);
  }
}
