/**
 * The console's HTTP server: Next.js behind a plain Node.js server, so that the client's address comes from
 * the socket (lib/auth/forwarded.ts) rather than from a header any client can set. Started by `npm start`
 * (scripts/start.ts --serve) and by the tests (scripts/console-server.ts).
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import next from "next";
import type { ApiErrorBody } from "../lib/api/contract";
import { rewriteForwarded, trustedProxies } from "../lib/auth/forwarded";
import { bodyLimit, isStateChanging, knownMethods } from "../lib/auth/guard";
import { env } from "../lib/env";

function answer(response: ServerResponse, status: number, body: ApiErrorBody, headers: Record<string, string> = {}) {
  response.writeHead(status, { "content-type": "application/json", ...headers });
  response.end(JSON.stringify(body));
}

/** The path of a request's target; "/" for one that does not parse (it must not throw out of the server). */
function pathOf(target: string | undefined): string {
  try {
    return new URL(target ?? "/", "http://console").pathname;
  } catch {
    return "/";
  }
}

/** Bytes of headers and chunk framing a request may carry on its socket beyond its body limit. */
const framingSlack = 64 * 1024;

/**
 * Ends a request whose body is longer than its limit (lib/auth/guard.ts) as soon as that shows, with a 413 and the
 * connection closed, so that nobody can make the server read megabytes it will refuse: at once for a
 * Content-Length past the limit (Next is never called), and for a chunked body once its socket has brought more
 * than the limit (the proxy refuses any body past the limit too; this stops the reading). Returns true when it
 * answered already.
 */
function refusedLongBody(request: IncomingMessage, response: ServerResponse): boolean {
  if (!isStateChanging(request.method ?? "GET")) return false;
  const limit = bodyLimit(pathOf(request.url));
  const tooLarge: ApiErrorBody = { code: "TOO_LARGE", message: `Request bodies here are limited to ${limit} bytes.` };
  const socket = request.socket;
  if (Number(request.headers["content-length"] ?? 0) > limit) {
    answer(response, 413, tooLarge, { connection: "close" });
    response.on("finish", () => socket.destroy());
    return true;
  }
  let bytes = 0;
  const count = (chunk: Buffer) => {
    bytes += chunk.length;
    if (bytes <= limit + framingSlack) return;
    socket.off("data", count);
    if (response.headersSent) return void socket.destroy();
    answer(response, 413, tooLarge, { connection: "close" });
    response.on("finish", () => socket.destroy());
  };
  socket.on("data", count);
  response.on("close", () => socket.off("data", count));
  return false;
}

export async function serveConsole(dev: boolean): Promise<void> {
  const app = next({ dev, dir: process.cwd(), hostname: env.HOST, port: env.PORT });
  const handle = app.getRequestHandler();
  await app.prepare();
  const trust = trustedProxies(env.TRUSTED_PROXIES);
  const server = createServer((request, response) => {
    // Next answers a method it does not know (TRACE …) with a 500 and a stack trace in the log.
    if (!knownMethods.includes(request.method ?? "")) {
      const message = `${request.method} is not a method this console answers.`;
      answer(response, 405, { code: "METHOD_NOT_ALLOWED", message }, { allow: knownMethods.join(", ") });
      return;
    }
    if (refusedLongBody(request, response)) return;
    rewriteForwarded(request, trust);
    void handle(request, response);
  });
  if (dev) server.on("upgrade", app.getUpgradeHandler());
  await new Promise<void>((resolve) => server.listen(env.PORT, env.HOST, resolve));
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    process.on(signal, () => {
      server.close();
      void app.close().finally(() => process.exit(0));
    });
  }
}
