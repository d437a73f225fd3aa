/**
 * The console's server (`npm start`'s, scripts/serve.ts) over the production build, on a free loopback port, for
 * the end-to-end tests, the screenshots and the benchmark's load test. Returns once /api/health answers.
 */
import { spawn } from "node:child_process";
import { createRequire } from "node:module";
import { freePort } from "../lib/free-port";

export interface ConsoleServer {
  baseUrl: string;
  /** The server's process (the leader of its process group). */
  pid: number;
  stop(): void;
}

/** Polls `probe` until it returns a value, or fails after `timeoutMs`. */
export async function waitFor<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const value = await probe().catch(() => undefined);
    if (value !== undefined) return value;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`Timed out waiting for ${what}`);
}

/** Starts the console's server with `env` (which must hold DATABASE_URL); `output: "inherit"` shows its log. */
export async function startConsole(
  env: NodeJS.ProcessEnv,
  output: "inherit" | "ignore" = "ignore",
): Promise<ConsoleServer> {
  const port = await freePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  const tsx = createRequire(import.meta.url).resolve("tsx/cli");
  const server = spawn(process.execPath, [tsx, "scripts/start.ts", "--serve"], {
    env: { NEXT_TELEMETRY_DISABLED: "1", ...env, HOST: "127.0.0.1", PORT: String(port), NODE_ENV: "production" },
    stdio: output,
    detached: true,
  });
  const stop = () => {
    if (server.pid && server.exitCode === null) process.kill(-server.pid, "SIGTERM");
  };
  try {
    await waitFor(`the console at ${baseUrl}`, async () =>
      (await fetch(`${baseUrl}/api/health`)).status < 500 ? true : undefined,
    );
  } catch (error) {
    stop();
    throw error;
  }
  return { baseUrl, pid: server.pid ?? 0, stop };
}
