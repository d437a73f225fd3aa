import Link from "next/link";
import { formatNumber } from "@/components/format";
import {
  button,
  EmptyState,
  input,
  link,
  PageTitle,
  row,
  Section,
  TableWrap,
  td,
  tdNum,
  th,
  thNum,
} from "@/components/ui";
import { requireLogin } from "@/lib/auth/session";
import { search } from "@/lib/queries/titles";

export const dynamic = "force-dynamic";

export default async function SearchPage({ searchParams }: { searchParams: Promise<{ q?: string }> }) {
  await requireLogin();
  const q = String((await searchParams).q ?? "").slice(0, 200);
  const { titles, people } = await search(q);
  return (
    <>
      <PageTitle
        title="Search"
        subtitle="Titles and people whose name starts with what you type, or an exact tt… / nm… key."
      />
      <form className="mb-6 flex flex-wrap gap-2" aria-label="Search">
        <label className="sr-only" htmlFor="search-q">
          Name or key
        </label>
        <input id="search-q" name="q" type="search" defaultValue={q} className={`${input} w-72`} />
        <button type="submit" className={button}>
          Search
        </button>
      </form>
      {!q ? null : (
        <div className="grid gap-8 lg:grid-cols-2">
          <Section title="Titles" id="titles">
            {titles.length === 0 ? (
              <EmptyState>No title starts with “{q}”.</EmptyState>
            ) : (
              <TableWrap label="Matching titles">
                <thead>
                  <tr>
                    <th className={th}>Title</th>
                    <th className={th}>Type</th>
                    <th className={thNum}>Year</th>
                    <th className={thNum}>Votes</th>
                  </tr>
                </thead>
                <tbody>
                  {titles.map((t) => (
                    <tr key={String(t.tconst)} className={row}>
                      <td className={`${td}`}>
                        <Link className={link} href={`/titles/${t.tconst}`}>
                          {t.primaryTitle ?? t.tconst}
                        </Link>
                      </td>
                      <td className={td}>{t.titleType ?? "—"}</td>
                      <td className={tdNum}>{t.startYear ?? "—"}</td>
                      <td className={tdNum}>{formatNumber(t.numVotes)}</td>
                    </tr>
                  ))}
                </tbody>
              </TableWrap>
            )}
          </Section>
          <Section title="People" id="people">
            {people.length === 0 ? (
              <EmptyState>No person’s name starts with “{q}”.</EmptyState>
            ) : (
              <TableWrap label="Matching people">
                <thead>
                  <tr>
                    <th className={th}>Name</th>
                    <th className={thNum}>Born</th>
                    <th className={th}>Profession</th>
                  </tr>
                </thead>
                <tbody>
                  {people.map((p) => (
                    <tr key={String(p.nconst)} className={row}>
                      <td className={td}>
                        <Link className={link} href={`/names/${p.nconst}`}>
                          {p.primaryName ?? p.nconst}
                        </Link>
                      </td>
                      <td className={tdNum}>{p.birthYear ?? "—"}</td>
                      <td className={`${td}`}>{String(p.primaryProfession ?? "—").replaceAll(",", ", ")}</td>
                    </tr>
                  ))}
                </tbody>
              </TableWrap>
            )}
          </Section>
        </div>
      )}
    </>
  );
}
