/**
 * Logging: JSON lines to a rotating file under LOG_DIR (pino-roll) and readable lines on stdout
 * (pino-pretty). The CLI logs to the file only, from its own thread (logInThisThread).
 */
import path from "node:path";
import pino from "pino";
import { env } from "./env";

const cache = globalThis as unknown as { imdbLogger?: pino.Logger };

/** Where the log file is and when it rolls over. */
const rollOptions = () => ({
  file: path.resolve(env.LOG_DIR, "imdb-sync"),
  frequency: "daily",
  size: "20m",
  mkdir: true,
  extension: ".log",
  limit: { count: 14 },
});

// Tests assert on outcomes; log lines would only bury vitest's report (LOG_LEVEL=debug brings them back).
const testLogger = () => pino({ level: env.LOG_LEVEL === "info" ? "silent" : env.LOG_LEVEL });

function createLogger(): pino.Logger {
  if (env.NODE_ENV === "test") return testLogger();
  const file: pino.TransportTargetOptions = { target: "pino-roll", level: env.LOG_LEVEL, options: rollOptions() };
  const readable: pino.TransportTargetOptions = {
    target: "pino-pretty",
    level: env.LOG_LEVEL,
    options: { destination: 1, translateTime: "SYS:HH:MM:ss", ignore: "pid,hostname" },
  };
  return pino({ level: env.LOG_LEVEL }, pino.transport({ targets: [file, readable] }));
}

/**
 * Logs to the same rolling file, but from this thread and without the readable copy on stdout (the CLI's
 * stdout belongs to the progress bar and --json). A pino transport runs in a worker thread with a V8 heap of
 * its own, about 10 MB of a sync's resident memory for a few lines per run. Writes are synchronous, so the
 * last lines are on disk when the CLI exits. Call before the first log line.
 */
export async function logInThisThread(): Promise<void> {
  if (cache.imdbLogger) throw new Error("logInThisThread() must come before the first log line.");
  if (env.NODE_ENV === "test") return;
  const { default: rollingFile } = await import("pino-roll");
  cache.imdbLogger = pino({ level: env.LOG_LEVEL }, await rollingFile({ ...rollOptions(), sync: true }));
}

export function logger(): pino.Logger {
  cache.imdbLogger ??= createLogger();
  return cache.imdbLogger;
}
