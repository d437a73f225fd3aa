import Link from "next/link";
import { notFound } from "next/navigation";
import { ChangeList } from "@/components/change-list";
import { formatNumber } from "@/components/format";
import {
  EmptyState,
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
import { requireLogin } from "@/lib/auth/session";
import { nameHistory } from "@/lib/queries/history";
import { nameDetail, pageNumber, rowsPerPage } from "@/lib/queries/titles";

export const dynamic = "force-dynamic";

export default async function NamePage({
  params,
  searchParams,
}: {
  params: Promise<{ nconst: string }>;
  searchParams: Promise<{ page?: string | string[] }>;
}) {
  await requireLogin();
  const { nconst } = await params;
  const page = pageNumber((await searchParams).page);
  const [detail, history] = await Promise.all([nameDetail(nconst, page), nameHistory(nconst)]);
  if (!detail || !history) notFound();
  const p = detail.person;
  const life = p.birthYear ? `${p.birthYear}–${p.deathYear ?? ""}` : "";
  return (
    <>
      <PageTitle
        title={String(p.primaryName ?? nconst)}
        subtitle={[String(p.primaryProfession ?? "").replaceAll(",", ", "), life, nconst].filter(Boolean).join(" · ")}
      />
      <Section title={`Credits (${formatNumber(detail.total)})`} id="credits">
        {detail.credits.length === 0 ? (
          <EmptyState>No principal credits in title_principals.</EmptyState>
        ) : (
          <TableWrap label="Credits">
            <thead>
              <tr>
                <th className={th}>Title</th>
                <th className={th}>Type</th>
                <th className={thNum}>Year</th>
                <th className={th}>As</th>
              </tr>
            </thead>
            <tbody>
              {detail.credits.map((c) => (
                <tr key={`${c.tconst}-${c.category}-${c.characters}`} className={row}>
                  <td className={`${td}`}>
                    <Link className={link} href={`/titles/${c.tconst}`}>
                      {c.primaryTitle ?? c.tconst}
                    </Link>
                  </td>
                  <td className={td}>{c.titleType ?? "—"}</td>
                  <td className={tdNum}>{c.startYear ?? "—"}</td>
                  <td className={`${td}`}>
                    {c.category ?? ""} {c.characters ?? ""}
                  </td>
                </tr>
              ))}
            </tbody>
          </TableWrap>
        )}
        {detail.total > rowsPerPage ? (
          <Pager
            page={detail.page}
            hasNext={detail.page * rowsPerPage < detail.total}
            href={(p) => `${withParams(`/names/${nconst}`, { page: p > 1 ? p : undefined })}#credits`}
            total={formatNumber(Math.ceil(detail.total / rowsPerPage))}
          />
        ) : null}
      </Section>
      <Section title="History" id="history">
        <ChangeList changes={history.changes} label="Changes of this person and their credits" showRun />
      </Section>
    </>
  );
}
