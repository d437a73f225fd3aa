/**
 * Logging: JSON lines to a rotating file under LOG_DIR (pino-roll) and readable lines on stdout
 * (pino-pretty). The CLI turns the readable copy off: its stdout belongs to the progress bar and --json.
 */
import path from "node:path";
import pino from "pino";
import { env } from "./env";

const cache = globalThis as unknown as { imdbLogger?: pino.Logger };
let readableCopy = true;

/** Call before the first log line: whether readable lines also go to stdout. */
export function logToStdout(enabled: boolean): void {
  readableCopy = enabled;
}

function createLogger(): pino.Logger {
  // Tests assert on outcomes; log lines would only bury vitest's report (LOG_LEVEL=debug brings them back).
  if (env.NODE_ENV === "test") return pino({ level: env.LOG_LEVEL === "info" ? "silent" : env.LOG_LEVEL });
  const file: pino.TransportTargetOptions = {
    target: "pino-roll",
    level: env.LOG_LEVEL,
    options: {
      file: path.resolve(env.LOG_DIR, "imdb-sync"),
      frequency: "daily",
      size: "20m",
      mkdir: true,
      extension: ".log",
      limit: { count: 14 },
    },
  };
  const readable: pino.TransportTargetOptions = {
    target: "pino-pretty",
    level: env.LOG_LEVEL,
    options: { destination: 1, translateTime: "SYS:HH:MM:ss", ignore: "pid,hostname" },
  };
  return pino({ level: env.LOG_LEVEL }, pino.transport({ targets: readableCopy ? [file, readable] : [file] }));
}

export function logger(): pino.Logger {
  cache.imdbLogger ??= createLogger();
  return cache.imdbLogger;
}
