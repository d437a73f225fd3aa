import Link from "next/link";
import { notFound } from "next/navigation";
import { ChangeList } from "@/components/change-list";
import { formatNumber } from "@/components/format";
import { RatingChart } from "@/components/rating-chart";
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
import { titleHistory } from "@/lib/queries/history";
import { pageNumber, rowsPerPage, titleDetail } from "@/lib/queries/titles";

export const dynamic = "force-dynamic";

type Person = { nconst: string; name: string };

/** The first names of a crew list, and how many more it holds (a long series lists hundreds). */
function People({ people }: { people: { shown: Person[]; total: number } }) {
  if (people.total === 0) return <span>—</span>;
  const more = people.total - people.shown.length;
  return (
    <>
      {people.shown.map((p, i) => (
        <span key={p.nconst}>
          {i > 0 ? ", " : ""}
          <Link className={link} href={`/names/${p.nconst}`}>
            {p.name}
          </Link>
        </span>
      ))}
      {more > 0 ? <span> and {formatNumber(more)} more</span> : null}
    </>
  );
}

function Fact({ label, children }: { label: string; children: React.ReactNode }) {
  return (
    <div>
      <dt className="text-slate-600 dark:text-slate-400">{label}</dt>
      <dd>{children}</dd>
    </div>
  );
}

export default async function TitlePage({
  params,
  searchParams,
}: {
  params: Promise<{ tconst: string }>;
  searchParams: Promise<{ episodes?: string | string[] }>;
}) {
  await requireLogin();
  const { tconst } = await params;
  const episodePage = pageNumber((await searchParams).episodes);
  const [title, history] = await Promise.all([titleDetail(tconst, episodePage), titleHistory(tconst)]);
  if (!title || !history) notFound();
  const b = title.basics;
  const years = b.endYear ? `${b.startYear ?? "?"}–${b.endYear}` : (b.startYear ?? "—");
  return (
    <>
      <PageTitle
        title={String(b.primaryTitle ?? tconst)}
        subtitle={`${b.titleType ?? "title"} · ${years} · ${tconst}${b.originalTitle && b.originalTitle !== b.primaryTitle ? ` · original title: ${b.originalTitle}` : ""}`}
      />
      {title.parent ? (
        <p className="mb-4 text-sm">
          Episode{title.parent.seasonNumber ? ` ${title.parent.seasonNumber}.${title.parent.episodeNumber ?? "?"}` : ""}{" "}
          of{" "}
          <Link className={link} href={`/titles/${title.parent.parentTconst}`}>
            {title.parent.primaryTitle ?? title.parent.parentTconst}
          </Link>
        </p>
      ) : null}
      <dl className="mb-8 grid grid-cols-2 gap-x-6 gap-y-3 text-sm sm:grid-cols-4">
        <Fact label="Rating">
          {b.averageRating ? `${b.averageRating} / 10 (${formatNumber(b.numVotes)} votes)` : "not rated"}
        </Fact>
        <Fact label="Runtime">{b.runtimeMinutes ? `${b.runtimeMinutes} min` : "—"}</Fact>
        <Fact label="Genres">
          {title.genres.length === 0
            ? "—"
            : title.genres.map((g, i) => (
                <span key={g}>
                  {i > 0 ? ", " : ""}
                  <Link className={link} href={`/genres/${encodeURIComponent(g)}`}>
                    {g}
                  </Link>
                </span>
              ))}
        </Fact>
        <Fact label="Adult">{b.isAdult ? "yes" : "no"}</Fact>
        <Fact label="Directors">
          <People people={title.directors} />
        </Fact>
        <Fact label="Writers">
          <People people={title.writers} />
        </Fact>
      </dl>
      <Section title="Principal cast and crew" id="principals">
        {title.principals.length === 0 ? (
          <EmptyState>No principals listed for this title.</EmptyState>
        ) : (
          <TableWrap label="Principals">
            <thead>
              <tr>
                <th className={thNum}>#</th>
                <th className={th}>Name</th>
                <th className={th}>Category</th>
                <th className={th}>Job</th>
                <th className={th}>Characters</th>
              </tr>
            </thead>
            <tbody>
              {title.principals.map((p) => (
                <tr key={String(p.ordering)} className={row}>
                  <td className={tdNum}>{p.ordering}</td>
                  <td className={td}>
                    <Link className={link} href={`/names/${p.nconst}`}>
                      {p.name}
                    </Link>
                  </td>
                  <td className={td}>{p.category ?? "—"}</td>
                  <td className={`${td}`}>{p.job ?? "—"}</td>
                  <td className={`${td}`}>{p.characters ?? "—"}</td>
                </tr>
              ))}
            </tbody>
          </TableWrap>
        )}
      </Section>
      {title.episodes.total > 0 ? (
        <Section title={`Episodes (${formatNumber(title.episodes.total)})`} id="episodes">
          <TableWrap label="Episodes">
            <thead>
              <tr>
                <th className={thNum}>Season</th>
                <th className={thNum}>Episode</th>
                <th className={th}>Title</th>
                <th className={thNum}>Year</th>
              </tr>
            </thead>
            <tbody>
              {title.episodes.rows.map((e) => (
                <tr key={String(e.tconst)} className={row}>
                  <td className={tdNum}>{e.seasonNumber ?? "—"}</td>
                  <td className={tdNum}>{e.episodeNumber ?? "—"}</td>
                  <td className={`${td}`}>
                    <Link className={link} href={`/titles/${e.tconst}`}>
                      {e.primaryTitle ?? e.tconst}
                    </Link>
                  </td>
                  <td className={tdNum}>{e.startYear ?? "—"}</td>
                </tr>
              ))}
            </tbody>
          </TableWrap>
          {title.episodes.total > rowsPerPage ? (
            <Pager
              page={title.episodes.page}
              hasNext={title.episodes.page * rowsPerPage < title.episodes.total}
              href={(page) => `${withParams(`/titles/${tconst}`, { episodes: page > 1 ? page : undefined })}#episodes`}
              total={formatNumber(Math.ceil(title.episodes.total / rowsPerPage))}
            />
          ) : null}
        </Section>
      ) : null}
      <Section title="Also known as" id="akas">
        {title.akas.length === 0 ? (
          <EmptyState>No other titles listed.</EmptyState>
        ) : (
          <TableWrap label="Also known as">
            <thead>
              <tr>
                <th className={th}>Title</th>
                <th className={th}>Region</th>
                <th className={th}>Language</th>
                <th className={th}>Types</th>
                <th className={th}>Attributes</th>
              </tr>
            </thead>
            <tbody>
              {title.akas.map((a) => (
                <tr key={String(a.ordering)} className={row}>
                  <td className={`${td}`}>
                    {a.title}
                    {a.isOriginalTitle ? " (original)" : ""}
                  </td>
                  <td className={td}>{a.region ?? "—"}</td>
                  <td className={td}>{a.language ?? "—"}</td>
                  <td className={td}>{a.types ?? "—"}</td>
                  <td className={td}>{a.attributes ?? "—"}</td>
                </tr>
              ))}
            </tbody>
          </TableWrap>
        )}
      </Section>
      <Section title="History" id="history">
        {history.ratings.length > 0 ? (
          <RatingChart points={history.ratings.map((p) => ({ ...p, at: p.at?.toISOString() ?? null }))} />
        ) : null}
        <ChangeList changes={history.changes} label="Changes of this title" showRun />
      </Section>
    </>
  );
}
