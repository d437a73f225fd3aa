/**
 * Notifications: a JSON POST to every webhook in NOTIFY_URLS and in the list stored on the Settings page, when a
 * run fails (or succeeds, when asked), a verify finds drift, the mirror goes stale, or a schedule tick cannot
 * start its run. Each delivery has a 5 s timeout and three tries with back-off, and is recorded with its outcome
 * (notify_deliveries). Nothing here ever throws into a run: a send is started after the run is recorded and
 * is not awaited on the run's path; a process that is about to exit awaits settleNotifications() first.
 * A webhook's URL is a secret (Slack's path is its key): only its scheme and host are logged or stored.
 */
import { desc, eq, lte } from "drizzle-orm";
import {
  type DeliveryOutcome,
  etlRuns,
  etlRunTables,
  type NotifyEvent,
  notifyDeliveries,
  notifySettings,
  runKind,
} from "../../db/schema";
import { type Db, getDb } from "../db";
import { env } from "../env";
import { logger } from "../log";

export interface NotifyRunTable {
  table: string;
  status: string;
  inserted: number;
  updated: number;
  deleted: number;
  rejected: number;
}

export interface NotifyRun {
  id: number;
  mode: string;
  status: string;
  trigger: string;
  error: string | null;
  startedAt: string | null;
  finishedAt: string | null;
  tables: NotifyRunTable[];
}

/** The body POSTed to each webhook. `text` is one human line (what Slack and Mattermost incoming webhooks show). */
export interface NotifyBody {
  event: NotifyEvent;
  text: string;
  run: NotifyRun | null;
  /** The run's page (or the console) when CONSOLE_URL is set. */
  url: string | null;
}

export interface DeliveryOptions {
  timeoutMs: number;
  tries: number;
  /** The wait before the second try; doubled before each later one. */
  backoffMs: number;
}

export const defaultDelivery: DeliveryOptions = { timeoutMs: 5000, tries: 3, backoffMs: 1000 };

export interface Delivery {
  target: string;
  outcome: DeliveryOutcome;
  httpStatus: number | null;
  attempts: number;
  error: string | null;
}

/** How many deliveries are kept (the Settings page shows the newest). */
const keptDeliveries = 200;
/** How many webhooks a list may hold. */
export const maxNotifyUrls = 10;

/** A URL's scheme and host (and port): all that may be logged or stored of a webhook. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.protocol}//${parsed.host}`;
  } catch {
    return "(not a URL)";
  }
}

/** A list of webhooks as typed: separated by commas, spaces or new lines. */
export function parseUrlList(text: string | undefined): string[] {
  return [
    ...new Set(
      (text ?? "")
        .split(/[\s,]+/)
        .map((u) => u.trim())
        .filter(Boolean),
    ),
  ];
}

/** Why a webhook URL cannot be used, or undefined. */
export function urlProblem(url: string): string | undefined {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return `not a URL: ${url.slice(0, 40)}`;
  }
  if (parsed.protocol !== "http:" && parsed.protocol !== "https:") return `not an http(s) URL: ${redactUrl(url)}`;
  if (url.length > 2000) return `longer than 2,000 characters: ${redactUrl(url)}`;
  return undefined;
}

/** The webhooks from NOTIFY_URLS (the usable ones). */
export function envUrls(): string[] {
  return parseUrlList(env.NOTIFY_URLS).filter((u) => !urlProblem(u));
}

export interface NotificationSettings {
  /** The list edited on the Settings page. */
  urls: string[];
  onSuccess: boolean;
}

export async function readNotificationSettings(db: Db): Promise<NotificationSettings> {
  const [row] = await db.select().from(notifySettings).where(eq(notifySettings.id, 1));
  return { urls: parseUrlList(row?.urls), onSuccess: row?.onSuccess ?? false };
}

export async function saveNotificationSettings(db: Db, settings: NotificationSettings): Promise<void> {
  const values = { urls: settings.urls.join("\n"), onSuccess: settings.onSuccess, updatedAt: new Date() };
  await db
    .insert(notifySettings)
    .values({ id: 1, ...values })
    .onDuplicateKeyUpdate({ set: values });
}

/** Every webhook a notification goes to: NOTIFY_URLS and the stored list, each once. */
export async function targets(db: Db): Promise<{ urls: string[]; onSuccess: boolean }> {
  const stored = await readNotificationSettings(db);
  return { urls: [...new Set([...envUrls(), ...stored.urls])], onSuccess: stored.onSuccess };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Why a try failed, without the URL (a fetch error may quote it). */
function failureOf(error: unknown, timeoutMs: number): string {
  const e = error as Error & { cause?: Error & { code?: string } };
  if (e.name === "TimeoutError" || e.name === "AbortError") return `no answer within ${timeoutMs / 1000} s`;
  const cause = e.cause?.code ?? e.cause?.message ?? e.message;
  return String(cause).replace(/https?:\/\/\S+/g, (u) => redactUrl(u));
}

/** POSTs the body to one webhook: up to `tries` times, waiting backoffMs, then twice that, between tries. */
export async function deliver(url: string, body: NotifyBody, options = defaultDelivery): Promise<Delivery> {
  const target = redactUrl(url);
  let httpStatus: number | null = null;
  let error: string | null = null;
  for (let attempt = 1; attempt <= options.tries; attempt++) {
    if (attempt > 1) await sleep(options.backoffMs * 2 ** (attempt - 2));
    try {
      const response = await fetch(url, {
        method: "POST",
        headers: { "content-type": "application/json", "user-agent": "imdb-sync-console" },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(options.timeoutMs),
        redirect: "manual",
      });
      httpStatus = response.status;
      await response.body?.cancel().catch(() => undefined);
      if (response.ok) return { target, outcome: "delivered", httpStatus, attempts: attempt, error: null };
      error = `answered HTTP ${response.status}`;
    } catch (caught) {
      httpStatus = null;
      error = failureOf(caught, options.timeoutMs);
    }
  }
  return { target, outcome: "failed", httpStatus, attempts: options.tries, error };
}

async function recordDeliveries(db: Db, body: NotifyBody, deliveries: Delivery[]): Promise<void> {
  if (deliveries.length === 0) return;
  await db.insert(notifyDeliveries).values(
    deliveries.map((d) => ({
      event: body.event,
      runId: body.run?.id ?? null,
      target: d.target.slice(0, 255),
      outcome: d.outcome,
      httpStatus: d.httpStatus,
      attempts: d.attempts,
      error: d.error?.slice(0, 512) ?? null,
      text: body.text.slice(0, 1024),
    })),
  );
  const [oldest] = await db
    .select({ id: notifyDeliveries.id })
    .from(notifyDeliveries)
    .orderBy(desc(notifyDeliveries.id))
    .limit(1)
    .offset(keptDeliveries);
  if (oldest) await db.delete(notifyDeliveries).where(lte(notifyDeliveries.id, oldest.id));
}

/** Sends one notification to every webhook at once, records each outcome, and returns them. Never throws. */
export async function send(db: Db, body: NotifyBody, urls?: string[], options = defaultDelivery): Promise<Delivery[]> {
  const log = logger().child({ event: body.event, runId: body.run?.id });
  try {
    const list = urls ?? (await targets(db)).urls;
    const deliveries = await Promise.all(list.map((url) => deliver(url, body, options)));
    for (const d of deliveries) {
      if (d.outcome === "delivered") log.info({ target: d.target, attempts: d.attempts }, "notification delivered");
      else log.warn({ target: d.target, attempts: d.attempts, error: d.error }, "notification failed");
    }
    await recordDeliveries(db, body, deliveries).catch((err) =>
      log.warn({ err }, "notification outcomes could not be recorded"),
    );
    return deliveries;
  } catch (err) {
    log.warn({ err }, "notification could not be sent");
    return [];
  }
}

const cache = globalThis as unknown as { imdbNotifications?: Set<Promise<unknown>> };
cache.imdbNotifications ??= new Set();
const pending = cache.imdbNotifications;

/** Starts a piece of notification work without waiting for it; settleNotifications() waits for all of it. */
function inBackground(work: Promise<unknown>): void {
  const tracked = work.catch((err) => logger().warn({ err }, "notification failed"));
  pending.add(tracked);
  void tracked.finally(() => pending.delete(tracked));
}

/** Waits until every notification started in this process has been delivered or has given up. */
export async function settleNotifications(): Promise<void> {
  while (pending.size > 0) await Promise.allSettled([...pending]);
}

/** The console's page for `path`, when CONSOLE_URL says where the console is. */
export function consoleLink(path: string): string | null {
  if (!env.CONSOLE_URL) return null;
  return new URL(path, env.CONSOLE_URL.endsWith("/") ? env.CONSOLE_URL : `${env.CONSOLE_URL}/`).toString();
}

const number = (n: number) => n.toLocaleString("en-US");

/** A run as notifications show it, or undefined when it does not exist. */
export async function notifyRunOf(db: Db, runId: number): Promise<{ run: NotifyRun; drift: number } | undefined> {
  const [run] = await db.select().from(etlRuns).where(eq(etlRuns.id, runId));
  if (!run) return undefined;
  const tables = await db
    .select()
    .from(etlRunTables)
    .where(eq(etlRunTables.runId, runId))
    .orderBy(etlRunTables.tableName);
  const drift = tables.reduce((n, t) => n + (t.driftMissing ?? 0) + (t.driftDiffering ?? 0) + (t.driftExtra ?? 0), 0);
  return {
    drift,
    run: {
      id: run.id,
      mode: runKind(run),
      status: run.status,
      trigger: run.trigger,
      error: run.error,
      startedAt: run.startedAt?.toISOString() ?? null,
      finishedAt: run.finishedAt?.toISOString() ?? null,
      tables: tables.map((t) => ({
        table: t.tableName,
        status: t.status,
        inserted: t.inserted,
        updated: t.updated,
        deleted: t.deleted,
        rejected: t.rejected,
      })),
    },
  };
}

/** The event a finished run is notified as, and its line; undefined when it is not notified. */
export function runEvent(
  run: NotifyRun,
  drift: number,
  onSuccess: boolean,
): { event: NotifyEvent; text: string } | undefined {
  const name = `IMDb sync run #${run.id} (${run.mode}, ${run.trigger})`;
  if (run.status === "failed") {
    const why = (run.error ?? "no reason recorded").split("\n")[0]?.slice(0, 300);
    return { event: "run.failed", text: `${name} failed: ${why}` };
  }
  if (run.status !== "succeeded") return undefined;
  if (run.mode === "verify" && drift > 0) {
    const tables = run.tables.length;
    return { event: "run.drift", text: `${name} found ${number(drift)} rows of drift in ${tables} tables.` };
  }
  if (!onSuccess) return undefined;
  const sum = (key: "inserted" | "updated" | "deleted" | "rejected") =>
    number(run.tables.reduce((n, t) => n + t[key], 0));
  return {
    event: "run.succeeded",
    text: `${name} succeeded: ${sum("inserted")} inserted, ${sum("updated")} updated, ${sum("deleted")} deleted, ${sum("rejected")} rejected.`,
  };
}

/** Notifies the end of a run (call once, by whoever recorded its end). */
async function sendRunEnd(db: Db, runId: number): Promise<void> {
  const { urls, onSuccess } = await targets(db);
  if (urls.length === 0) return;
  const found = await notifyRunOf(db, runId);
  if (!found) return;
  const what = runEvent(found.run, found.drift, onSuccess);
  if (!what) return;
  await send(db, { ...what, run: found.run, url: consoleLink(`runs/${runId}`) }, urls);
}

/** Notifies a run's end in the background: never awaited on the run's path, never thrown. */
export function notifyRunEnd(db: Db, runId: number): void {
  inBackground(sendRunEnd(db, runId));
}

/** Notifies, in the background, that a schedule tick could not start its run. */
export function notifyScheduleFailed(db: Db, dueAt: Date, message: string): void {
  const text = `A scheduled IMDb sync due at ${dueAt.toISOString()} could not start: ${message.split("\n")[0]?.slice(0, 300)}`;
  inBackground(send(db, { event: "schedule.failed", text, run: null, url: consoleLink("settings") }));
}

/** The test sent from the Settings page: to every webhook, awaited, with each outcome. */
export async function sendTest(db: Db): Promise<Delivery[]> {
  const text = "Test notification from the IMDb Sync Console: this webhook works.";
  return send(db, { event: "test", text, run: null, url: consoleLink("settings") });
}

/** The newest deliveries, for the Settings page. */
export async function recentDeliveries(db: Db, limit = 20) {
  return db.select().from(notifyDeliveries).orderBy(desc(notifyDeliveries.id)).limit(limit);
}

/** The Settings page's and `GET /api/notifications`' view: both lists (NOTIFY_URLS by scheme and host only). */
export async function notificationOverview(db: Db) {
  const stored = await readNotificationSettings(db);
  return {
    urls: stored.urls,
    onSuccess: stored.onSuccess,
    /** NOTIFY_URLS, as scheme and host: set on the server, not editable here. */
    envTargets: envUrls().map(redactUrl),
    deliveries: await recentDeliveries(db),
  };
}
export type NotificationOverview = Awaited<ReturnType<typeof notificationOverview>>;

/** The Settings page's and `GET /api/notifications`' view, on the console's database. */
export const currentNotifications = () => notificationOverview(getDb());

/** Saves the stored webhook list (and whether successes are sent) and answers with the new view. */
export async function updateNotifications(settings: NotificationSettings): Promise<NotificationOverview> {
  await saveNotificationSettings(getDb(), settings);
  return currentNotifications();
}

/** A test notification to every webhook now, on the console's database. */
export const sendTestNow = () => sendTest(getDb());
