"use client";
/**
 * The notification webhooks stored in the database (NOTIFY_URLS on the server applies as well), whether a
 * successful run is notified too, and a test sent to every webhook. Saved through `PUT /api/notifications`;
 * the test is `POST /api/notifications/test`, whose outcomes are shown here and in the deliveries below.
 */
import { useRouter } from "next/navigation";
import { useId, useState } from "react";
import type {
  ApiErrorBody,
  NotificationSettingsRequest,
  NotificationsResponse,
  NotificationTestResponse,
} from "@/lib/api/contract";
import { button, buttonSecondary, input } from "./ui";

interface Props {
  initial: NotificationSettingsRequest;
  envTargets: string[];
}

export function NotifyForm({ initial, envTargets }: Props) {
  const id = useId();
  const router = useRouter();
  const [urls, setUrls] = useState(initial.urls.join("\n"));
  const [onSuccess, setOnSuccess] = useState(initial.onSuccess);
  const [status, setStatus] = useState<{ ok: boolean; message: string }>();
  const [busy, setBusy] = useState(false);

  const save = async (event: React.FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setStatus(undefined);
    const list = urls
      .split(/[\s,]+/)
      .map((u) => u.trim())
      .filter(Boolean);
    const response = await fetch("/api/notifications", {
      method: "PUT",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ urls: list, onSuccess } satisfies NotificationSettingsRequest),
    }).catch(() => undefined);
    const body = (await response?.json().catch(() => undefined)) as NotificationsResponse | ApiErrorBody | undefined;
    setBusy(false);
    if (response?.ok && body && "urls" in body) {
      setStatus({ ok: true, message: `Saved: ${body.urls.length} webhook(s) stored here.` });
      router.refresh();
    } else {
      setStatus({ ok: false, message: body && "message" in body ? body.message : "The webhooks could not be saved." });
    }
  };

  const test = async () => {
    setBusy(true);
    setStatus(undefined);
    const response = await fetch("/api/notifications/test", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: "{}",
    }).catch(() => undefined);
    const body = (await response?.json().catch(() => undefined)) as NotificationTestResponse | undefined;
    setBusy(false);
    if (!response?.ok || !body) {
      setStatus({ ok: false, message: "The test could not be sent." });
      return;
    }
    const results = body.deliveries.map(
      (d) => `${d.target}: ${d.outcome === "delivered" ? "delivered" : `failed (${d.error})`}`,
    );
    setStatus({
      ok: body.deliveries.length > 0 && body.deliveries.every((d) => d.outcome === "delivered"),
      message: results.length ? `Test sent. ${results.join("; ")}` : "No webhook to send to: save one first.",
    });
    router.refresh();
  };

  return (
    <form
      onSubmit={save}
      aria-label="Notifications"
      className="space-y-4 rounded-lg border border-slate-200 bg-white p-4 dark:border-slate-800 dark:bg-slate-900"
    >
      <label className="flex flex-col gap-1 text-sm">
        <span className="font-medium">Webhook URLs</span>
        <textarea
          className={`${input} font-mono`}
          rows={3}
          value={urls}
          onChange={(e) => setUrls(e.target.value)}
          aria-describedby={`${id}-urls`}
          placeholder="https://hooks.slack.com/services/…"
        />
      </label>
      <p id={`${id}-urls`} className="text-xs text-slate-600 dark:text-slate-400">
        One per line. Each gets a JSON POST when a run fails, a verify finds drift, the mirror goes stale or a schedule
        tick cannot start its run (docs/operations.md).{" "}
        {envTargets.length > 0
          ? `NOTIFY_URLS on the server adds: ${envTargets.join(", ")}.`
          : "NOTIFY_URLS on the server adds none."}
      </p>
      <label className="flex items-center gap-2 text-sm">
        <input type="checkbox" checked={onSuccess} onChange={(e) => setOnSuccess(e.target.checked)} />
        Notify successful runs too
      </label>
      <div className="flex flex-wrap items-center gap-3">
        <button type="submit" className={button} disabled={busy}>
          Save webhooks
        </button>
        <button type="button" className={buttonSecondary} disabled={busy} onClick={test}>
          Send a test
        </button>
      </div>
      {status ? (
        <p role={status.ok ? "status" : "alert"} className={`text-sm ${status.ok ? "text-green-700" : "text-red-700"}`}>
          {status.message}
        </p>
      ) : null}
    </form>
  );
}
