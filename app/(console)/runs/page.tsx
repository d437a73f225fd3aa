import Link from "next/link";
import { durationSeconds, formatDate, formatNumber, formatSeconds, modeLabel } from "@/components/format";
import { StatusBadge } from "@/components/status-badge";
import { SyncPanel } from "@/components/sync-panel";
import {
  button,
  EmptyState,
  input,
  link,
  Pager,
  PageTitle,
  row,
  Section,
  TableWrap,
  td,
  tdNum,
  th,
  thNum,
  withParams,
} from "@/components/ui";
import { runModes, runStatuses } from "@/db/schema";
import { listRunsSchema } from "@/lib/api/contract";
import { requireLogin } from "@/lib/auth/session";
import { tableNames } from "@/lib/catalog/datasets";
import { env } from "@/lib/env";
import { tableOverview } from "@/lib/queries/overview";
import { activeRunId, listRuns } from "@/lib/queries/runs";

export const dynamic = "force-dynamic";

export default async function RunsPage({ searchParams }: { searchParams: Promise<Record<string, string>> }) {
  await requireLogin();
  const parsed = listRunsSchema.safeParse(await searchParams);
  const filter = parsed.success ? parsed.data : listRunsSchema.parse({});
  const [{ runs, total }, active, tables] = await Promise.all([listRuns(filter), activeRunId(), tableOverview()]);
  const pages = Math.max(1, Math.ceil(total / filter.pageSize));
  const href = (page: number) => withParams("/runs", { status: filter.status, mode: filter.mode, page });
  return (
    <>
      <PageTitle title="Runs" subtitle="Every sync, from this console, the command line or the schedule." />
      <Section title="Start a sync" id="start">
        <SyncPanel
          tables={tableNames}
          filledTables={tables.filter((t) => t.rows > 0).map((t) => t.table)}
          localDir={env.IMDB_LOCAL_DIR}
          activeRunId={active}
        />
      </Section>
      <Section title="History" id="history">
        <form className="mb-3 flex flex-wrap items-end gap-3" aria-label="Filter runs">
          <label className="flex flex-col gap-1 text-sm">
            <span>Status</span>
            <select name="status" defaultValue={filter.status ?? ""} className={input}>
              <option value="">any</option>
              {runStatuses.map((s) => (
                <option key={s}>{s}</option>
              ))}
            </select>
          </label>
          <label className="flex flex-col gap-1 text-sm">
            <span>Mode</span>
            <select name="mode" defaultValue={filter.mode ?? ""} className={input}>
              <option value="">any</option>
              {runModes.map((m) => (
                <option key={m}>{m}</option>
              ))}
            </select>
          </label>
          <button type="submit" className={button}>
            Filter
          </button>
        </form>
        {runs.length === 0 ? (
          <EmptyState>
            {filter.status || filter.mode ? "No runs match these filters." : "No syncs have run yet."}
          </EmptyState>
        ) : (
          <TableWrap label="Run history">
            <thead>
              <tr>
                <th className={th}>Run</th>
                <th className={th}>Status</th>
                <th className={th}>Mode</th>
                <th className={th}>Source</th>
                <th className={th}>Trigger</th>
                <th className={th}>Started</th>
                <th className={thNum}>Duration</th>
                <th className={thNum}>Inserted</th>
                <th className={thNum}>Updated</th>
                <th className={thNum}>Deleted</th>
                <th className={thNum}>Rejected</th>
                <th className={thNum}>Drift</th>
              </tr>
            </thead>
            <tbody>
              {runs.map((r) => (
                <tr key={r.id} className={row}>
                  <td className={td}>
                    <Link className={link} href={`/runs/${r.id}`}>
                      #{r.id}
                    </Link>
                  </td>
                  <td className={td}>
                    <StatusBadge status={r.status} />
                  </td>
                  <td className={td}>{modeLabel(r)}</td>
                  <td className={`${td} max-w-48 truncate`} title={r.source}>
                    {r.source}
                  </td>
                  <td className={td}>{r.trigger}</td>
                  <td className={`${td} whitespace-nowrap`}>{formatDate(r.startedAt ?? r.createdAt)}</td>
                  <td className={tdNum}>{formatSeconds(durationSeconds(r.startedAt, r.finishedAt))}</td>
                  <td className={tdNum}>{formatNumber(r.inserted)}</td>
                  <td className={tdNum}>{formatNumber(r.updated)}</td>
                  <td className={tdNum}>{formatNumber(r.deleted)}</td>
                  <td className={tdNum}>{formatNumber(r.rejected)}</td>
                  <td className={tdNum}>{formatNumber(r.drift)}</td>
                </tr>
              ))}
            </tbody>
          </TableWrap>
        )}
        <Pager page={filter.page} hasNext={filter.page < pages} href={href} total={String(pages)} />
      </Section>
    </>
  );
}
