/**
 * The HTTP API's contract, defined once: the request schemas the route handlers (and pages reading the same
 * query parameters) validate with, and the response types the client components import (`import type`).
 */
import { z } from "zod";
import { changeKinds, repairAskedWith, runModes, runStatuses, scheduleModes, webSources } from "@/db/run-states";
import { tableNames } from "@/lib/catalog/datasets";
import { env } from "@/lib/env";
import { type Delivery, maxNotifyUrls, type NotificationOverview, urlProblem } from "@/lib/notify";
import type { Freshness } from "@/lib/queries/freshness";
import { titleTypes } from "@/lib/queries/genres";
import type { Change, DatedChange, RatingPoint } from "@/lib/queries/history";
import type { QualityReport } from "@/lib/queries/quality";
import type { RunLogLine } from "@/lib/queries/run-log";
import type { RunRow } from "@/lib/queries/runs";
import type { SearchResponse as SearchResult } from "@/lib/queries/search";
import { hasSearchWords } from "@/lib/queries/search-text";
import type { RunSummary } from "@/lib/run-record/record";
import { type ScheduleOverview, scheduleProblem } from "@/lib/runs/schedule";

/**
 * A source from the web: IMDb, the bundled sample, or the folder in IMDB_LOCAL_DIR. Any other folder is for
 * the command line only: the console must not read whatever file its server can.
 */
export const sourceSchema = z.enum(webSources, {
  error: "source must be imdb, sample or local (another folder only from the command line)",
});

/** `POST /api/runs` */
export const startRunSchema = z
  .object({
    mode: z.enum(runModes),
    source: sourceSchema,
    tables: z
      .array(z.enum(tableNames))
      .max(tableNames.length)
      .refine((tables) => new Set(tables).size === tables.length, "each table at most once")
      .optional(),
    forceDeletes: z.boolean().optional(),
    /** A first build over tables that hold data replaces them: it must be confirmed with replace: true. */
    replace: z.boolean().optional(),
    /** With mode "verify": put the drift right, as an incremental run that compares every table (recorded so). */
    repair: z.boolean().optional(),
  })
  .refine((run) => !run.repair || run.mode === repairAskedWith, {
    message: `repair goes with mode "${repairAskedWith}"`,
    path: ["repair"],
  })
  .refine((run) => run.source !== "local" || env.IMDB_LOCAL_DIR, {
    message: "The local source needs IMDB_LOCAL_DIR to be set on the server.",
    path: ["source"],
  });
export type StartRunRequest = z.input<typeof startRunSchema>;
export interface StartRunResponse {
  id: number;
}

/** An empty query parameter (a form's "any") means no filter. */
const emptyAsUnset = (value: unknown) => (value === "" ? undefined : value);

/** `GET /api/runs?status=&mode=&page=&pageSize=`, and the run history page's query. */
export const listRunsSchema = z.object({
  status: z.preprocess(emptyAsUnset, z.enum(runStatuses).optional()),
  mode: z.preprocess(emptyAsUnset, z.enum(runModes).optional()),
  page: z.coerce.number().int().min(1).max(100_000).default(1),
  pageSize: z.coerce.number().int().min(1).max(200).default(25),
});
export interface ListRunsResponse {
  runs: Json<RunRow>[];
  total: number;
}

/** The `:id` of `/api/runs/:id…` and `/runs/:id`: digits only (no `0x1`, no spaces), at most 15 of them. */
export const runIdSchema = z
  .string()
  .regex(/^\d{1,15}$/)
  .transform(Number)
  .pipe(z.number().int().positive());

/** The path of `/api/runs/:id…`. */
export const runIdParams = z.object({ id: runIdSchema });

/** A value as JSON carries it: dates become ISO strings. */
export type Json<T> = T extends Date
  ? string
  : T extends (infer U)[]
    ? Json<U>[]
    : T extends object
      ? { [K in keyof T]: Json<T[K]> }
      : T;

/** `GET /api/runs/:id`, and each `progress` event of `GET /api/runs/:id/events` (`{ at, run }`). */
export type RunSnapshot = Json<RunSummary>;
export type TableSnapshot = RunSnapshot["tables"][number];
export interface ProgressEvent {
  at: number;
  run: RunSnapshot;
}

/** `GET /api/runs/:id/changes?table=&kind=&key=&after=&limit=`, and the run page's changes list (keyset pages). */
export const runChangesSchema = z.object({
  table: z.preprocess(emptyAsUnset, z.enum(tableNames).optional()),
  kind: z.preprocess(emptyAsUnset, z.enum(changeKinds).optional()),
  /** An IMDb key (tt…/nm…): that key's changes only. */
  key: z.preprocess(emptyAsUnset, z.string().max(16).optional()),
  /** The `next` of the previous page. */
  after: z.preprocess(emptyAsUnset, z.string().max(64).optional()),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
});
export interface RunChangesResponse {
  changes: Change[];
  next: string | null;
}

/** The changes page across runs (`/changes?within=&table=&kind=&before=`). */
export const recentChangesSchema = z.object({
  within: z.preprocess(emptyAsUnset, z.enum(["day", "week"]).default("day")),
  table: z.preprocess(emptyAsUnset, z.enum(tableNames).optional()),
  kind: z.preprocess(emptyAsUnset, z.enum(changeKinds).optional()),
  before: z.preprocess(emptyAsUnset, z.string().max(80).optional()),
});

/** `GET /api/tables/:table/history?key=&ordering=&afterRun=&after=&limit=`: versions, or the table after a run. */
export const tableHistorySchema = z.object({
  key: z.preprocess(emptyAsUnset, z.string().max(16).optional()),
  ordering: z.coerce.number().int().min(0).max(65535).default(0),
  afterRun: z.preprocess(emptyAsUnset, z.coerce.number().int().positive().optional()),
  after: z.preprocess(
    emptyAsUnset,
    z
      .string()
      .regex(/^\d{1,10}\.\d{1,5}$/)
      .optional(),
  ),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
});
export const tableNameSchema = z.enum(tableNames);
/** The path of `/api/tables/:table/history`. */
export const tableParams = z.object({ table: tableNameSchema });

/** The paths of `/api/titles/:tconst/…` and `/api/names/:nconst/…`: IMDb's keys, 7 to 10 digits. */
export const titleParams = z.object({ tconst: z.string().regex(/^tt\d{7,10}$/) });
export const nameParams = z.object({ nconst: z.string().regex(/^nm\d{7,10}$/) });

/** `GET /api/titles/:tconst/history` */
export interface TitleHistoryResponse {
  tconst: string;
  ratings: Json<RatingPoint>[];
  changes: Json<DatedChange>[];
}

/** `GET /api/names/:nconst/history` */
export interface NameHistoryResponse {
  nconst: string;
  changes: Json<DatedChange>[];
}

/** `GET /api/imdb-status` */
export interface ImdbStatusResponse {
  baseUrl: string;
  files: Freshness[];
  /** When the last successful sync (not a verify) finished; null: never. */
  lastSuccessAt: string | null;
  /** No successful sync for more than `staleAfterHours` (STALE_AFTER_HOURS). */
  stale: boolean;
  staleAfterHours: number;
}

/** `PUT /api/notifications`: the webhooks stored on the Settings page (NOTIFY_URLS applies as well). */
export const notificationSettingsSchema = z.object({
  urls: z
    .array(z.string().trim().min(1).max(2000))
    .max(maxNotifyUrls, `at most ${maxNotifyUrls} webhooks`)
    .superRefine((urls, context) => {
      urls.forEach((url, index) => {
        const problem = urlProblem(url);
        if (problem) context.addIssue({ code: "custom", message: problem, path: [index] });
      });
    }),
  onSuccess: z.boolean(),
});
export type NotificationSettingsRequest = z.input<typeof notificationSettingsSchema>;
/** `GET /api/notifications` and the answer to `PUT`: both lists and the last deliveries. */
export type NotificationsResponse = Json<NotificationOverview>;
/** `POST /api/notifications/test`: the outcome per webhook. */
export interface NotificationTestResponse {
  deliveries: Delivery[];
}

/** `GET /api/quality` (and `POST`, which counts every check again first). */
export type QualityResponse = Json<QualityReport>;

/** `GET /api/runs/:id/log` */
export interface RunLogResponse {
  runId: number;
  lines: Json<RunLogLine>[];
}

/** `PUT /api/schedule`: the stored schedule, run by every console instance (one firing per tick). */
export const scheduleSchema = z
  .object({
    enabled: z.boolean(),
    cron: z.string().trim().min(1).max(100),
    timezone: z.string().trim().min(1).max(64),
    mode: z.enum(scheduleModes),
    source: sourceSchema,
    tables: z
      .array(z.enum(tableNames))
      .min(1, "at least one table")
      .max(tableNames.length)
      .refine((tables) => new Set(tables).size === tables.length, "each table at most once"),
  })
  .superRefine((schedule, context) => {
    const problem = scheduleProblem(schedule.cron, schedule.timezone);
    if (problem) context.addIssue({ code: "custom", message: problem, path: ["cron"] });
  })
  .refine((schedule) => schedule.source !== "local" || env.IMDB_LOCAL_DIR, {
    message: "The local source needs IMDB_LOCAL_DIR to be set on the server.",
    path: ["source"],
  });
export type ScheduleRequest = z.input<typeof scheduleSchema>;
/** `GET /api/schedule` and the answer to `PUT`: the schedule, its next firing times, and the latest firings. */
export type ScheduleResponse = Json<ScheduleOverview>;

/** The longest query `GET /api/search` takes: a person types a few words, never a page of text. */
export const searchMaxChars = 500;
const searchInt = (max: number) => z.preprocess(emptyAsUnset, z.coerce.number().int().min(0).max(max).optional());

/**
 * `GET /api/search?q=&limit=&type=&yearFrom=&yearTo=&minVotes=&genre=`, and the search page's query. `q` is
 * plain text: its letters and digits are searched for, anything else (full-text operators, quotes, `%`, `_`)
 * only separates words. The filters narrow the titles found.
 */
export const searchSchema = z.object({
  q: z
    .string({ error: "q is required: the words, name or tt…/nm… key to search for" })
    // Not trimmed: a last word with no space after it is still being typed, and is completed (docs/search.md).
    .refine((q) => q.trim() !== "", "q is empty: type a title, a name, a character or a tt…/nm… key")
    .refine((q) => q.trim().length <= searchMaxChars, `q is too long: at most ${searchMaxChars} characters`)
    .refine(hasSearchWords, "q has no letter or digit to search for"),
  limit: z.coerce
    .number({ error: "limit must be a whole number from 1 to 50" })
    .int("limit must be a whole number from 1 to 50")
    .min(1, "limit must be at least 1")
    .max(50, "limit must be at most 50")
    .default(20),
  type: z.preprocess(emptyAsUnset, z.enum(titleTypes).optional()),
  yearFrom: searchInt(9999),
  yearTo: searchInt(9999),
  minVotes: searchInt(1_000_000_000),
  genre: z.preprocess(emptyAsUnset, z.string().max(64, "genre is at most 64 characters").optional()),
});
export type SearchRequest = z.input<typeof searchSchema>;
/** `GET /api/search`: `limit` titles, people and characters at most, best first. */
export type SearchResponse = SearchResult;

/** Every error answer has this body; `details` depends on the code. */
export const apiErrorCodes = [
  "BAD_REQUEST",
  "UNAUTHORIZED",
  "NOT_FOUND",
  "SYNC_BUSY",
  "CONFIRM_REPLACE",
  "NOT_ACTIVE",
  "THROTTLED",
  "FORBIDDEN",
  "UNSUPPORTED_MEDIA_TYPE",
  "TOO_LARGE",
  "TOO_MANY_STREAMS",
  "METHOD_NOT_ALLOWED",
] as const;
export type ApiErrorCode = (typeof apiErrorCodes)[number];
export interface ApiErrorBody {
  code: ApiErrorCode;
  message: string;
  /** BAD_REQUEST: the validation issues; SYNC_BUSY: `{ runId }`; CONFIRM_REPLACE: `{ tables }`. */
  details?: unknown;
}
