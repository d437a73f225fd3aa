/**
 * Logging: JSON lines to a rotating file under LOG_DIR (pino-roll) and readable lines on stdout (pino-pretty).
 */
import path from "node:path";
import pino from "pino";
import { env } from "./env";

const cache = globalThis as unknown as { imdbLogger?: pino.Logger };

function createLogger(): pino.Logger {
  if (env.NODE_ENV === "test") return pino({ level: env.LOG_LEVEL === "info" ? "warn" : env.LOG_LEVEL });
  const transport = pino.transport({
    targets: [
      {
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
      },
      {
        target: "pino-pretty",
        level: env.LOG_LEVEL,
        options: { destination: 1, translateTime: "SYS:HH:MM:ss", ignore: "pid,hostname" },
      },
    ],
  });
  return pino({ level: env.LOG_LEVEL }, transport);
}

export function logger(): pino.Logger {
  cache.imdbLogger ??= createLogger();
  return cache.imdbLogger;
}
