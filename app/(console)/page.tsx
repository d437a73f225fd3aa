import Link from "next/link";
import { ChangesChart } from "@/components/changes-chart";
import { formatDate, formatNumber } from "@/components/format";
import { ImdbFreshness } from "@/components/imdb-freshness";
import { LoadSampleButton } from "@/components/load-sample-button";
import { SyncPanel } from "@/components/sync-panel";
import { EmptyState, link, PageTitle, row, Section, TableWrap, td, tdNum, th, thNum } from "@/components/ui";
import { requireLogin } from "@/lib/auth/session";
import { tableNames } from "@/lib/catalog/datasets";
import { env } from "@/lib/env";
import { currentMirrorAge } from "@/lib/notify/staleness";
import { changedRowsByRun, tableOverview } from "@/lib/queries/overview";
import { activeRunId } from "@/lib/queries/runs";

export const dynamic = "force-dynamic";

export default async function OverviewPage() {
  await requireLogin();
  const [tables, changes, active, age] = await Promise.all([
    tableOverview(),
    changedRowsByRun(),
    activeRunId(),
    currentMirrorAge(),
  ]);
  const empty = tables.every((t) => t.rows === 0);
  const hoursOld = age.lastSuccessAt ? Math.floor((Date.now() - age.lastSuccessAt.getTime()) / 3_600_000) : null;
  return (
    <>
      <PageTitle title="IMDb Sync Console" subtitle="The IMDb datasets, mirrored into your database." />
      {age.stale ? (
        <div
          role="alert"
          aria-label="Stale mirror"
          className="mb-6 rounded-lg border border-amber-400 bg-amber-50 p-4 text-sm text-amber-900 dark:border-amber-600 dark:bg-amber-950 dark:text-amber-100"
        >
          The mirror is stale: no successful sync for {hoursOld} hours (more than STALE_AFTER_HOURS,{" "}
          {age.staleAfterHours}). See{" "}
          <Link className={link} href="/runs">
            the run history
          </Link>{" "}
          for what failed.
        </div>
      ) : null}
      <p className="mb-6 text-sm" data-testid="mirror-age">
        {age.lastSuccessAt ? (
          <>
            Last successful sync:{" "}
            <time dateTime={age.lastSuccessAt.toISOString()}>{formatDate(age.lastSuccessAt)}</time> ({hoursOld} hours
            ago,{" "}
            <Link className={link} href={`/runs/${age.lastSuccessRunId}`}>
              run #{age.lastSuccessRunId}
            </Link>
            ).
          </>
        ) : (
          "No successful sync yet."
        )}
      </p>
      {empty && !active ? (
        <div className="mb-8">
          <EmptyState>
            <p className="mb-3">
              No data yet. Load the bundled sample (a thousand real IMDb rows per file) to try the console, or start a
              sync from IMDb below.
            </p>
            <LoadSampleButton />
          </EmptyState>
        </div>
      ) : null}
      <Section title="Sync" id="sync">
        <SyncPanel
          tables={tableNames}
          filledTables={tables.filter((t) => t.rows > 0).map((t) => t.table)}
          localDir={env.IMDB_LOCAL_DIR}
          activeRunId={active}
        />
      </Section>
      <Section title="Tables" id="tables">
        <TableWrap label="Tables">
          <thead>
            <tr>
              <th className={th}>Table</th>
              <th className={thNum}>Rows</th>
              <th className={th}>Last synced</th>
            </tr>
          </thead>
          <tbody>
            {tables.map((t) => (
              <tr key={t.table} className={row}>
                <td className={`${td} font-mono`}>{t.table}</td>
                <td className={tdNum}>{formatNumber(t.rows)}</td>
                <td className={`${td} whitespace-nowrap`}>{t.lastSynced ? formatDate(t.lastSynced) : "never"}</td>
              </tr>
            ))}
          </tbody>
        </TableWrap>
      </Section>
      <Section title="Newer files at IMDb?" id="imdb">
        <ImdbFreshness />
      </Section>
      <Section title="Changed rows per table, recent runs" id="changes">
        {changes.length > 0 ? (
          <ChangesChart data={changes} tables={tableNames} />
        ) : (
          <EmptyState>
            No finished runs yet. The chart fills in as syncs run; see{" "}
            <Link className={link} href="/runs">
              the run history
            </Link>
            .
          </EmptyState>
        )}
      </Section>
    </>
  );
}
