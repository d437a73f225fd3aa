/**
 * A run's own log: each line the engine logs about a run goes to the process's log (pino) and is kept with the
 * run in etl_run_log (level, table, message, the other fields as JSON), for the run page and
 * `GET /api/runs/:id/log`. Lines are written in order, one statement each, never awaited by the sync: a line
 * that cannot be written is dropped, not a failure of the run. flush() waits for those in flight.
 */
import type pino from "pino";
import type { RunLogLevel } from "../../db/schema";
import { etlRunLog } from "../../db/schema";
import type { Db } from "../db";

/** Lines kept per run at most: a run that logs in a loop must not fill the database. */
export const maxRunLogLines = 2000;

type Fields = Record<string, unknown>;

/** A field as JSON can hold it: an error by its message. */
function plain(value: unknown): unknown {
  if (value instanceof Error) return value.message;
  return value;
}

export class RunLog {
  private queue: Promise<void> = Promise.resolve();
  private lines = 0;

  constructor(
    private readonly db: Db,
    private readonly runId: number,
    private readonly base: pino.Logger,
  ) {}

  debug(fields: Fields | string, message?: string): void {
    this.write("debug", fields, message);
  }
  info(fields: Fields | string, message?: string): void {
    this.write("info", fields, message);
  }
  warn(fields: Fields | string, message?: string): void {
    this.write("warn", fields, message);
  }
  error(fields: Fields | string, message?: string): void {
    this.write("error", fields, message);
  }

  private write(level: RunLogLevel, fieldsOrMessage: Fields | string, message?: string): void {
    const fields = typeof fieldsOrMessage === "string" ? {} : fieldsOrMessage;
    const text = typeof fieldsOrMessage === "string" ? fieldsOrMessage : (message ?? "");
    this.base[level](fields, text);
    if (!this.base.isLevelEnabled(level) && level === "debug") return;
    if (++this.lines > maxRunLogLines) return;
    const { table, ...rest } = fields;
    const details = Object.keys(rest).length
      ? JSON.stringify(Object.fromEntries(Object.entries(rest).map(([k, v]) => [k, plain(v)]))).slice(0, 8000)
      : null;
    const row = {
      runId: this.runId,
      at: new Date(),
      level,
      tableName: typeof table === "string" ? table.slice(0, 32) : null,
      message: text.slice(0, 1024),
      details,
    };
    this.queue = this.queue.then(
      () =>
        this.db
          .insert(etlRunLog)
          .values(row)
          .then(() => undefined),
      () => undefined,
    );
    this.queue = this.queue.catch(() => undefined);
  }

  /** Waits until every line logged so far is written (or given up). */
  flush(): Promise<void> {
    return this.queue;
  }
}
