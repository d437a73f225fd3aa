import Link from "next/link";
import { notFound } from "next/navigation";
import { ChangeFilter } from "@/components/change-filter";
import { ChangeList } from "@/components/change-list";
import { durationSeconds, formatBytes, formatDate, formatNumber, formatSeconds, modeLabel } from "@/components/format";
import { LiveRun } from "@/components/live-run";
import { RepairButton } from "@/components/repair-button";
import { RunDrift } from "@/components/run-drift";
import { RunRejects } from "@/components/run-rejects";
import { StatusBadge } from "@/components/status-badge";
import { link, PageTitle, row, Section, TableWrap, td, tdNum, th, thNum, withParams } from "@/components/ui";
import { isActiveRunStatus } from "@/db/run-states";
import { runChangesSchema, runIdSchema, sourceSchema } from "@/lib/api/contract";
import { requireLogin } from "@/lib/auth/session";
import { type TableName, tableNames } from "@/lib/catalog/datasets";
import { runChanges } from "@/lib/queries/history";
import { runLog } from "@/lib/queries/run-log";
import { runById, runRejects } from "@/lib/queries/runs";

export const dynamic = "force-dynamic";

const syncCounters = ["read", "inserted", "updated", "unchanged", "deleted", "rejected", "duplicates"] as const;
/** A verify writes nothing: its counters are what it found. */
const verifyCounters = ["read", "unchanged", "missing", "differing", "extra", "rejected", "duplicates"] as const;
const stages = ["download", "load", "apply", "index"] as const;

const changesPageSize = 50;

export default async function RunPage({
  params,
  searchParams,
}: {
  params: Promise<{ id: string }>;
  searchParams: Promise<Record<string, string>>;
}) {
  await requireLogin();
  const id = runIdSchema.safeParse((await params).id);
  const run = id.success ? await runById(id.data) : undefined;
  if (!run) notFound();
  const parsed = runChangesSchema.safeParse({ ...(await searchParams), limit: changesPageSize });
  const filter = parsed.success ? parsed.data : runChangesSchema.parse({ limit: changesPageSize });
  const [rejects, changes, log] = await Promise.all([runRejects(run.id), runChanges(run.id, filter), runLog(run.id)]);
  // The run's own counters (the log holds one row per counted change, unless the table's history is off).
  const changed = run.tables.filter((t) => t.inserted + t.updated + t.deleted > 0);
  const changesHref = (after?: string) =>
    `${withParams(`/runs/${run.id}`, { table: filter.table, kind: filter.kind, key: filter.key, after })}#changes`;
  const active = isActiveRunStatus(run.status);
  const verify = run.mode === "verify";
  const counters = verify ? verifyCounters : syncCounters;
  const tables = run.tables.map((t) => ({ ...t, missing: null, differing: null, extra: null, ...t.drift }));
  const drifted = run.tables.filter((t) => t.drift && t.drift.missing + t.drift.differing + t.drift.extra > 0);
  // The console starts runs from its own sources only; a folder given on the command line is repaired there.
  const source = sourceSchema.safeParse(run.source);
  return (
    <>
      <PageTitle
        title={`Run #${run.id}`}
        subtitle={`${modeLabel(run)} from ${run.source}, started by ${run.trigger}`}
      />
      <dl className="mb-6 grid grid-cols-2 gap-x-6 gap-y-2 text-sm sm:grid-cols-4">
        <div>
          <dt className="text-slate-600 dark:text-slate-400">Status</dt>
          <dd data-testid="run-status">
            <StatusBadge status={run.status} />
          </dd>
        </div>
        <div>
          <dt className="text-slate-600 dark:text-slate-400">Started</dt>
          <dd>{formatDate(run.startedAt ?? run.createdAt)}</dd>
        </div>
        <div>
          <dt className="text-slate-600 dark:text-slate-400">Finished</dt>
          <dd>{formatDate(run.finishedAt)}</dd>
        </div>
        <div>
          <dt className="text-slate-600 dark:text-slate-400">Duration</dt>
          <dd>{formatSeconds(durationSeconds(run.startedAt, run.finishedAt))}</dd>
        </div>
      </dl>
      {run.error ? (
        <Section title="Error" id="error">
          <pre className="overflow-x-auto whitespace-pre-wrap rounded-lg bg-red-50 p-3 text-sm text-red-900 dark:bg-red-950 dark:text-red-100">
            {run.error}
          </pre>
        </Section>
      ) : null}
      {active ? (
        <Section title="Live progress" id="live">
          <LiveRun runId={run.id} />
        </Section>
      ) : null}
      <Section title="Per table" id="tables">
        <TableWrap label="Counters per table">
          <thead>
            <tr>
              <th className={th}>Table</th>
              <th className={th}>Status</th>
              {counters.map((c) => (
                <th key={c} className={thNum}>
                  {c === "duplicates" ? "duplicate keys" : c}
                </th>
              ))}
              <th className={th}>Note</th>
            </tr>
          </thead>
          <tbody>
            {tables.map((t) => (
              <tr key={t.table} className={row} data-table={t.table}>
                <td className={`${td} font-mono`}>{t.table}</td>
                <td className={td}>
                  <StatusBadge status={t.status} />
                </td>
                {counters.map((c) => (
                  <td key={c} className={tdNum} data-counter={c}>
                    {formatNumber(t[c])}
                  </td>
                ))}
                <td className={`${td} text-xs`}>
                  {[t.message, t.error, t.deletesWithheld ? `${formatNumber(t.deletesWithheld)} deletes withheld` : ""]
                    .filter(Boolean)
                    .join(" · ")}
                </td>
              </tr>
            ))}
          </tbody>
        </TableWrap>
      </Section>
      {verify ? (
        <Section title="Drift" id="drift">
          <RunDrift tables={run.tables} />
          {drifted.length > 0 && source.success && !active ? (
            <RepairButton source={source.data} tables={drifted.map((t) => t.table as TableName)} />
          ) : null}
        </Section>
      ) : null}
      <Section title="Time per stage" id="stages">
        <TableWrap label="Seconds per stage and table">
          <thead>
            <tr>
              <th className={th}>Table</th>
              {stages.map((s) => (
                <th key={s} className={thNum}>
                  {s}
                </th>
              ))}
              <th className={thNum}>bytes</th>
            </tr>
          </thead>
          <tbody>
            {run.tables.map((t) => (
              <tr key={t.table} className={row}>
                <td className={`${td} font-mono`}>{t.table}</td>
                {stages.map((s) => (
                  <td key={s} className={tdNum}>
                    {formatSeconds(t.seconds[s])}
                  </td>
                ))}
                <td className={tdNum}>{formatBytes(t.bytesTotal)}</td>
              </tr>
            ))}
          </tbody>
        </TableWrap>
      </Section>
      {run.mode === "incremental" ? (
        <Section title="Changes" id="changes">
          <p className="mb-3 text-sm text-slate-600 dark:text-slate-400" data-testid="change-counts">
            {changed.length === 0
              ? "This run changed no rows."
              : changed
                  .map(
                    (t) =>
                      `${t.table}: ${formatNumber(t.inserted)} inserted, ${formatNumber(t.updated)} updated, ${formatNumber(t.deleted)} deleted`,
                  )
                  .join(" · ")}
          </p>
          <ChangeFilter
            action={`/runs/${run.id}#changes`}
            tables={tableNames}
            table={filter.table}
            kind={filter.kind}
            imdbKey={filter.key ?? ""}
          />
          <ChangeList changes={changes.changes} label="Changed rows" />
          <nav aria-label="Change pages" className="mt-3 flex gap-4 text-sm">
            {filter.after ? (
              <Link className={link} href={changesHref()}>
                ← First page
              </Link>
            ) : null}
            {changes.next ? (
              <Link className={link} href={changesHref(changes.next)} rel="next">
                Next page →
              </Link>
            ) : null}
          </nav>
        </Section>
      ) : run.mode === "first-run" ? (
        <Section title="Changes" id="changes">
          <p className="text-sm text-slate-600 dark:text-slate-400">
            A first build replaces each table it loads: no per-row changes are logged.
          </p>
        </Section>
      ) : null}
      <Section title={`Rejected lines (${formatNumber(rejects.total)})`} id="rejects">
        <RunRejects rows={rejects.rows} total={rejects.total} />
      </Section>
      <Section title="Log" id="log">
        {log.length > 0 ? (
          <TableWrap label="Run log">
            <thead>
              <tr>
                <th className={th}>Time</th>
                <th className={th}>Level</th>
                <th className={th}>Table</th>
                <th className={th}>Message</th>
              </tr>
            </thead>
            <tbody>
              {log.map((line, index) => (
                <tr key={`${line.at.toISOString()}-${index}`} className={row} data-level={line.level}>
                  <td className={`${td} whitespace-nowrap`}>
                    <time dateTime={line.at.toISOString()}>{line.at.toISOString().slice(11, 23)}</time>
                  </td>
                  <td className={`${td} font-mono text-xs`}>{line.level}</td>
                  <td className={`${td} font-mono text-xs`}>{line.table ?? ""}</td>
                  <td className={td}>
                    {line.message}
                    {line.details ? (
                      <span className="block break-all font-mono text-xs text-slate-500">
                        {JSON.stringify(line.details)}
                      </span>
                    ) : null}
                  </td>
                </tr>
              ))}
            </tbody>
          </TableWrap>
        ) : (
          <p className="text-sm text-slate-600 dark:text-slate-400">
            No log lines kept for this run.{" "}
            <Link className={link} href={`/api/runs/${run.id}/log`}>
              As JSON
            </Link>
          </p>
        )}
      </Section>
    </>
  );
}
