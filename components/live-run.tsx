"use client";
/**
 * Live progress of one run, pushed by the server (GET /api/runs/:id/events): per file the stage, bytes and
 * rows done, rows/s and an estimate of the time left, measured between the updates this page received.
 */
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useEffect, useRef, useState } from "react";
import { isActiveRunStatus } from "@/db/run-states";
import type { ProgressEvent, RunSnapshot, TableSnapshot } from "@/lib/api/contract";
import { formatBytes, formatNumber, formatSeconds, modeLabel } from "./format";
import { StatusBadge } from "./status-badge";
import { buttonSecondary, link, row, td, tdNum, th, thNum } from "./ui";

interface Rate {
  key: string;
  at: number;
  read: number;
  bytes: number;
  rowsPerSecond?: number;
  bytesPerSecond?: number;
}

/** Rows/s and bytes/s per table, averaged since this page first saw the table in its current stage. */
function nextRates(previous: Map<string, Rate>, run: RunSnapshot, at: number): Map<string, Rate> {
  const rates = new Map<string, Rate>();
  for (const t of run.tables) {
    const key = `${t.table}:${t.stage}`;
    const first = previous.get(t.table);
    if (!first || first.key !== key || t.status !== "running") {
      rates.set(t.table, { key, at, read: t.read, bytes: t.bytesRead });
      continue;
    }
    const seconds = (at - first.at) / 1000;
    rates.set(t.table, {
      ...first,
      rowsPerSecond: seconds > 0 ? (t.read - first.read) / seconds : undefined,
      bytesPerSecond: seconds > 0 ? (t.bytesRead - first.bytes) / seconds : undefined,
    });
  }
  return rates;
}

function timeLeft(t: TableSnapshot, rate: Rate | undefined): string {
  if (t.status !== "running" || !t.bytesTotal || !rate?.bytesPerSecond) return "—";
  return formatSeconds(Math.max(0, t.bytesTotal - t.bytesRead) / rate.bytesPerSecond);
}

function ProgressRow({ t, rate }: { t: TableSnapshot; rate: Rate | undefined }) {
  const share = t.bytesTotal ? Math.min(1, t.bytesRead / t.bytesTotal) : undefined;
  return (
    <tr className={row}>
      <td className={`${td} font-mono`}>{t.table}</td>
      <td className={td}>
        <StatusBadge status={t.status} />
      </td>
      <td className={td}>{t.stage ?? "—"}</td>
      <td className={`${td} min-w-40`}>
        <progress
          className="h-2 w-28 align-middle"
          max={1}
          value={t.status === "succeeded" ? 1 : t.status === "running" ? share : 0}
          aria-label={`${t.table} bytes read`}
        />
        <span className="ml-2 text-xs tabular-nums text-slate-600 dark:text-slate-400">
          {formatBytes(t.bytesRead)} / {formatBytes(t.bytesTotal)}
        </span>
      </td>
      <td className={tdNum}>{formatNumber(t.read)}</td>
      <td className={tdNum}>
        {rate?.rowsPerSecond !== undefined ? formatNumber(Math.round(rate.rowsPerSecond)) : "—"}
      </td>
      <td className={tdNum}>{timeLeft(t, rate)}</td>
    </tr>
  );
}

/** Files done out of all, and the time since the run started (to the last update, or to its end). */
function RunProgressSummary({ run, serverTime }: { run: RunSnapshot; serverTime?: number }) {
  const done = run.tables.filter((t) => finishedTable.includes(t.status)).length;
  const end = run.finishedAt ? new Date(run.finishedAt).getTime() : serverTime;
  const elapsed = run.startedAt && end ? (end - new Date(run.startedAt).getTime()) / 1000 : undefined;
  return (
    <span className="text-sm tabular-nums text-slate-600 dark:text-slate-400">
      {done} of {run.tables.length} files done{elapsed !== undefined ? ` · ${formatSeconds(elapsed)}` : ""}
    </span>
  );
}

const finishedTable = ["succeeded", "skipped", "failed"];

export function LiveRun({ runId }: { runId: number }) {
  const router = useRouter();
  const [run, setRun] = useState<RunSnapshot>();
  const [serverTime, setServerTime] = useState<number>();
  const [rates, setRates] = useState<Map<string, Rate>>(new Map());
  const [problem, setProblem] = useState<string>();
  const [cancel, setCancel] = useState<"idle" | "sent" | "refused">("idle");
  const ratesRef = useRef(rates);

  useEffect(() => {
    const source = new EventSource(`/api/runs/${runId}/events`);
    source.addEventListener("progress", (event) => {
      const { at, run: next } = JSON.parse((event as MessageEvent<string>).data) as ProgressEvent;
      ratesRef.current = nextRates(ratesRef.current, next, at);
      setRates(ratesRef.current);
      setRun(next);
      setServerTime(at);
      setProblem(undefined);
    });
    source.addEventListener("end", () => {
      source.close();
      router.refresh();
    });
    source.addEventListener("error", (event) => {
      const data = (event as MessageEvent<string>).data;
      if (data) setProblem((JSON.parse(data) as { message: string }).message);
    });
    return () => source.close();
  }, [runId, router]);

  const active = run ? isActiveRunStatus(run.status) : true;
  const requestCancel = async () => {
    const response = await fetch(`/api/runs/${runId}/cancel`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: "{}",
    });
    setCancel(response.ok ? "sent" : "refused");
  };

  return (
    <section
      aria-label={`Progress of run ${runId}`}
      className="rounded-lg border border-slate-200 bg-white p-4 dark:border-slate-800 dark:bg-slate-900"
    >
      <div className="mb-3 flex flex-wrap items-center gap-3">
        <h3 className="font-semibold">
          <Link className={link} href={`/runs/${runId}`}>
            Run #{runId}
          </Link>
        </h3>
        <output aria-live="polite" data-testid="live-status">
          <StatusBadge status={run?.status ?? "queued"} />
        </output>
        {run ? (
          <span className="text-sm text-slate-600 dark:text-slate-400">
            {modeLabel(run)} from {run.source}
          </span>
        ) : null}
        {run ? <RunProgressSummary run={run} serverTime={serverTime} /> : null}
        {active ? (
          <button type="button" className={buttonSecondary} onClick={requestCancel} disabled={cancel === "sent"}>
            {cancel === "sent" ? "Cancel requested…" : "Cancel sync"}
          </button>
        ) : null}
        {cancel === "refused" ? <span className="text-sm">The run had already stopped.</span> : null}
      </div>
      {problem ? (
        <p role="alert" className="mb-2 text-sm text-red-700 dark:text-red-300">
          {problem}
        </p>
      ) : null}
      {run?.error ? (
        <pre className="mb-2 whitespace-pre-wrap text-sm text-red-700 dark:text-red-300">{run.error}</pre>
      ) : null}
      <div className="overflow-x-auto">
        <table className="w-full text-left text-sm">
          <thead>
            <tr>
              <th className={th}>File</th>
              <th className={th}>Status</th>
              <th className={th}>Stage</th>
              <th className={th}>Bytes</th>
              <th className={thNum}>Rows</th>
              <th className={thNum}>Rows/s</th>
              <th className={thNum}>Time left</th>
            </tr>
          </thead>
          <tbody>
            {(run?.tables ?? []).map((t) => (
              <ProgressRow key={t.table} t={t} rate={rates.get(t.table)} />
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}
