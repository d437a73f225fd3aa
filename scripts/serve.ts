/**
 * The console's HTTP server: Next.js behind a plain Node.js server, so that the client's address comes from
 * the socket (lib/auth/forwarded.ts) rather than from a header any client can set. Started by `npm start`
 * (scripts/start.ts --serve) and by the tests (scripts/console-server.ts).
 */
import { createServer } from "node:http";
import next from "next";
import type { ApiErrorBody } from "../lib/api/contract";
import { rewriteForwarded, trustedProxies } from "../lib/auth/forwarded";
import { knownMethods } from "../lib/auth/guard";
import { env } from "../lib/env";

export async function serveConsole(dev: boolean): Promise<void> {
  const app = next({ dev, dir: process.cwd(), hostname: env.HOST, port: env.PORT });
  const handle = app.getRequestHandler();
  await app.prepare();
  const trust = trustedProxies(env.TRUSTED_PROXIES);
  const server = createServer((request, response) => {
    // Next answers a method it does not know (TRACE …) with a 500 and a stack trace in the log.
    if (!knownMethods.includes(request.method ?? "")) {
      const body: ApiErrorBody = {
        code: "METHOD_NOT_ALLOWED",
        message: `${request.method} is not a method this console answers.`,
      };
      response.writeHead(405, { "content-type": "application/json", allow: knownMethods.join(", ") });
      response.end(JSON.stringify(body));
      return;
    }
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
