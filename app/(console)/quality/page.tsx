import Link from "next/link";
import { formatDate, formatNumber } from "@/components/format";
import { QualityCheckButton } from "@/components/quality-check-button";
import { EmptyState, link, PageTitle, row, Section, TableWrap, td, tdNum, th, thNum } from "@/components/ui";
import { requireLogin } from "@/lib/auth/session";
import { latestQuality, qualityCheckList, qualityHistory } from "@/lib/queries/quality";

export const dynamic = "force-dynamic";

/** A missing key's page: the title's or the person's (their history says when they went, if they did). */
const keyHref = (key: string) => (key.startsWith("nm") ? `/names/${key}` : `/titles/${key}`);

export default async function QualityPage() {
  await requireLogin();
  const [latest, history] = await Promise.all([latestQuality(), qualityHistory()]);
  return (
    <>
      <PageTitle
        title="Data quality"
        subtitle="Rows of IMDb's files whose key is missing from the table it names: an inner JOIN on that key drops them."
      />
      <QualityCheckButton />
      <Section title="Checks" id="checks">
        {latest.checks.length > 0 ? (
          <>
            <p className="mb-2 text-sm text-slate-600 dark:text-slate-400">
              Counted {latest.checkedAt ? formatDate(latest.checkedAt) : "never"}
              {latest.runId ? (
                <>
                  {" "}
                  after{" "}
                  <Link className={link} href={`/runs/${latest.runId}`}>
                    run #{latest.runId}
                  </Link>
                </>
              ) : (
                " on demand"
              )}
              .
            </p>
            <TableWrap label="Checks">
              <thead>
                <tr>
                  <th className={th}>Check</th>
                  <th className={th}>What it finds</th>
                  <th className={thNum}>Rows</th>
                  <th className={th}>Examples (missing keys)</th>
                  <th className={th}>Counted</th>
                </tr>
              </thead>
              <tbody>
                {latest.checks.map((c) => (
                  <tr key={c.name} className={row} data-check={c.name}>
                    <td className={`${td} font-mono text-xs`}>{c.name}</td>
                    <td className={td}>{c.description}</td>
                    <td className={tdNum}>{formatNumber(c.rows)}</td>
                    <td className={td}>
                      <ul className="flex flex-wrap gap-2">
                        {c.examples.map((key) => (
                          <li key={key}>
                            <Link className={`${link} font-mono text-xs`} href={keyHref(key)}>
                              {key}
                            </Link>
                          </li>
                        ))}
                      </ul>
                    </td>
                    <td className={`${td} text-xs`}>
                      {c.method}, {c.seconds.toFixed(3)} s
                    </td>
                  </tr>
                ))}
              </tbody>
            </TableWrap>
          </>
        ) : (
          <EmptyState>
            The checks run after every run that changes data; none has yet. Checks:{" "}
            {qualityCheckList.map((c) => c.name).join(", ")}.
          </EmptyState>
        )}
      </Section>
      <Section title="Over the last runs" id="history">
        {history.length > 0 ? (
          <TableWrap label="Counts over the last runs">
            <thead>
              <tr>
                <th className={th}>Run</th>
                {qualityCheckList.map((c) => (
                  <th key={c.name} className={`${thNum} font-mono text-xs`}>
                    {c.name}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {history.map((point) => (
                <tr key={point.runId} className={row}>
                  <td className={td}>
                    <Link className={link} href={`/runs/${point.runId}`}>
                      #{point.runId}
                    </Link>
                  </td>
                  {qualityCheckList.map((c) => (
                    <td key={c.name} className={tdNum}>
                      {point.counts[c.name] === undefined ? "—" : formatNumber(point.counts[c.name] ?? 0)}
                    </td>
                  ))}
                </tr>
              ))}
            </tbody>
          </TableWrap>
        ) : (
          <EmptyState>No run has been checked yet.</EmptyState>
        )}
      </Section>
    </>
  );
}
