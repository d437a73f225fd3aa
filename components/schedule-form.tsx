"use client";
/**
 * The schedule's editor: on or off, a cron expression read in a time zone, the kind of sync, the source and
 * the tables. Saved through `PUT /api/schedule`; the page then shows the next firing times it computed.
 */
import { useRouter } from "next/navigation";
import { useId, useState } from "react";
import type { ApiErrorBody, ScheduleRequest, ScheduleResponse } from "@/lib/api/contract";
import type { TableName } from "@/lib/catalog/datasets";
import { button, input } from "./ui";

interface Props {
  initial: ScheduleRequest;
  tables: readonly TableName[];
  localDir?: string;
  timeZones: string[];
}

export function ScheduleForm({ initial, tables, localDir, timeZones }: Props) {
  const id = useId();
  const router = useRouter();
  const [schedule, setSchedule] = useState<ScheduleRequest>(initial);
  const [status, setStatus] = useState<{ ok: boolean; message: string }>();
  const [busy, setBusy] = useState(false);
  const set = (change: Partial<ScheduleRequest>) => setSchedule({ ...schedule, ...change });

  const save = async (event: React.FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setStatus(undefined);
    const response = await fetch("/api/schedule", {
      method: "PUT",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(schedule),
    }).catch(() => undefined);
    const body = (await response?.json().catch(() => undefined)) as ScheduleResponse | ApiErrorBody | undefined;
    setBusy(false);
    if (response?.ok && body && "schedule" in body) {
      setStatus({
        ok: true,
        message: body.schedule.enabled ? "Saved: the schedule is on." : "Saved: the schedule is off.",
      });
      router.refresh();
    } else {
      const message = body && "message" in body ? body.message : "The schedule could not be saved.";
      setStatus({ ok: false, message });
    }
  };

  return (
    <form
      onSubmit={save}
      aria-label="Schedule"
      className="space-y-4 rounded-lg border border-slate-200 bg-white p-4 dark:border-slate-800 dark:bg-slate-900"
    >
      <label className="flex items-center gap-2 text-sm font-medium">
        <input type="checkbox" checked={schedule.enabled} onChange={(e) => set({ enabled: e.target.checked })} />
        Run syncs on this schedule
      </label>
      <div className="flex flex-wrap items-end gap-4">
        <label className="flex flex-col gap-1 text-sm">
          <span className="font-medium">Cron expression</span>
          <input
            className={`${input} font-mono`}
            value={schedule.cron}
            onChange={(e) => set({ cron: e.target.value })}
            aria-describedby={`${id}-cron`}
            required
          />
        </label>
        <label className="flex flex-col gap-1 text-sm">
          <span className="font-medium">Time zone</span>
          <input
            className={input}
            list={`${id}-zones`}
            value={schedule.timezone}
            onChange={(e) => set({ timezone: e.target.value })}
            required
          />
          <datalist id={`${id}-zones`}>
            {timeZones.map((zone) => (
              <option key={zone} value={zone} />
            ))}
          </datalist>
        </label>
        <label className="flex flex-col gap-1 text-sm">
          <span className="font-medium">Kind of sync</span>
          <select
            className={input}
            value={schedule.mode}
            onChange={(e) => set({ mode: e.target.value as ScheduleRequest["mode"] })}
          >
            <option value="incremental">Incremental sync</option>
            <option value="verify">Verify (writes nothing)</option>
          </select>
        </label>
        <label className="flex flex-col gap-1 text-sm">
          <span className="font-medium">Source</span>
          <select
            className={input}
            value={schedule.source}
            onChange={(e) => set({ source: e.target.value as ScheduleRequest["source"] })}
          >
            <option value="imdb">IMDb (datasets.imdbws.com)</option>
            <option value="sample">Bundled sample (data/sample)</option>
            <option value="local" disabled={!localDir}>
              {localDir ? `Local folder (${localDir})` : "Local folder (set IMDB_LOCAL_DIR)"}
            </option>
          </select>
        </label>
      </div>
      <p id={`${id}-cron`} className="text-xs text-slate-600 dark:text-slate-400">
        Five fields (minute hour day month weekday), e.g. <code>30 3 * * *</code> for 03:30 every day, or six with
        seconds first. A tick that finds a sync running is skipped and recorded, never queued behind it.
      </p>
      <fieldset className="flex flex-wrap gap-x-4 gap-y-2">
        <legend className="mb-1 text-sm font-medium">Tables</legend>
        {tables.map((t) => (
          <label key={t} className="flex items-center gap-1 font-mono text-sm">
            <input
              type="checkbox"
              checked={schedule.tables.includes(t)}
              onChange={(e) =>
                set({ tables: e.target.checked ? [...schedule.tables, t] : schedule.tables.filter((c) => c !== t) })
              }
            />
            {t}
          </label>
        ))}
      </fieldset>
      <button type="submit" className={button} disabled={busy}>
        {busy ? "Saving…" : "Save schedule"}
      </button>
      {status ? (
        <p
          role={status.ok ? "status" : "alert"}
          className={`text-sm ${status.ok ? "text-green-800 dark:text-green-300" : "text-red-700 dark:text-red-300"}`}
        >
          {status.message}
        </p>
      ) : null}
    </form>
  );
}
