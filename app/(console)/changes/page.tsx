import Link from "next/link";
import { ChangeFilter } from "@/components/change-filter";
import { ChangeList } from "@/components/change-list";
import { formatDate } from "@/components/format";
import { link, PageTitle, Section, withParams } from "@/components/ui";
import { recentChangesSchema } from "@/lib/api/contract";
import { requireLogin } from "@/lib/auth/session";
import { tableNames } from "@/lib/catalog/datasets";
import { firstBuildsSince, recentChanges } from "@/lib/queries/history";

export const dynamic = "force-dynamic";

const pageSize = 100;
const windows = { day: 86_400_000, week: 7 * 86_400_000 } as const;

/** Changes across the runs of the last day or week, newest run first, filtered by table and kind. */
export default async function ChangesPage({ searchParams }: { searchParams: Promise<Record<string, string>> }) {
  await requireLogin();
  const parsed = recentChangesSchema.safeParse(await searchParams);
  const filter = parsed.success ? parsed.data : recentChangesSchema.parse({});
  // To the minute: the same window for a minute, so that the read cache can answer it.
  const since = new Date(Math.floor((Date.now() - windows[filter.within]) / 60_000) * 60_000);
  const [page, firstBuilds] = await Promise.all([
    recentChanges(since, { ...filter, limit: pageSize }),
    firstBuildsSince(since),
  ]);
  const href = (params: Record<string, string | undefined>) =>
    withParams("/changes", { within: filter.within, table: filter.table, kind: filter.kind, ...params });
  return (
    <>
      <PageTitle
        title="Changes"
        subtitle="Every row that incremental syncs inserted, updated or deleted, newest run first."
      />
      <Section title={filter.within === "day" ? "The last 24 hours" : "The last 7 days"} id="changes">
        <nav aria-label="Period" className="mb-3 flex gap-4 text-sm">
          {(["day", "week"] as const).map((w) =>
            w === filter.within ? (
              <span key={w} className="font-semibold">
                last {w}
              </span>
            ) : (
              <Link key={w} className={link} href={href({ within: w })}>
                last {w}
              </Link>
            ),
          )}
        </nav>
        {firstBuilds.map((b) => (
          <p key={b.runId} className="mb-2 text-sm text-slate-600 dark:text-slate-400">
            <Link className={link} href={`/runs/${b.runId}`}>
              Run #{b.runId}
            </Link>{" "}
            ({formatDate(b.at)}) was a first build: it replaced {b.tables.join(", ")} without logging rows.
          </p>
        ))}
        <ChangeFilter
          action="/changes"
          tables={tableNames}
          table={filter.table}
          kind={filter.kind}
          hidden={{ within: filter.within }}
        />
        <ChangeList changes={page.changes} label="Changed rows across runs" showRun />
        <nav aria-label="Change pages" className="mt-3 flex gap-4 text-sm">
          {filter.before ? (
            <Link className={link} href={href({})}>
              ← First page
            </Link>
          ) : null}
          {page.next ? (
            <Link className={link} href={href({ before: page.next })} rel="next">
              Next page →
            </Link>
          ) : null}
        </nav>
      </Section>
    </>
  );
}
