import Link from "next/link";
import { notFound } from "next/navigation";
import { formatNumber } from "@/components/format";
import {
  button,
  EmptyState,
  input,
  link,
  Pager,
  PageTitle,
  row,
  TableWrap,
  td,
  tdNum,
  th,
  thNum,
  withParams,
} from "@/components/ui";
import { requireLogin } from "@/lib/auth/session";
import { type GenreFilter, genreTitles } from "@/lib/queries/genres";
import { TitleFilterFields } from "../../title-filter-fields";
import { genreFilterSchema } from "./schema";

export const dynamic = "force-dynamic";

const sortLabels = { votes: "Most votes", rating: "Highest rating", year: "Newest", title: "Title (A–Z)" } as const;

function Filters({ filter }: { filter: GenreFilter }) {
  return (
    <form className="mb-4 flex flex-wrap items-end gap-3" aria-label="Filter and sort titles">
      <TitleFilterFields values={filter} years={{ min: 1870, max: 2100 }} />
      <label className="flex flex-col gap-1 text-sm">
        <span>Sort by</span>
        <select name="sort" defaultValue={filter.sort} className={input}>
          {Object.entries(sortLabels).map(([value, label]) => (
            <option key={value} value={value}>
              {label}
            </option>
          ))}
        </select>
      </label>
      <button type="submit" className={button}>
        Apply
      </button>
    </form>
  );
}

function safeDecode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

export default async function GenrePage({
  params,
  searchParams,
}: {
  params: Promise<{ name: string }>;
  searchParams: Promise<Record<string, string>>;
}) {
  await requireLogin();
  const name = safeDecode((await params).name);
  const filter = genreFilterSchema.parse(await searchParams);
  const result = await genreTitles(name, filter);
  if (!result) notFound();
  const { genre, titles, hasNext, ratedOnly } = result;
  const base = `/genres/${encodeURIComponent(genre.name)}`;
  const href = (page: number) => withParams(base, { ...filter, pageSize: undefined, page });
  return (
    <>
      <PageTitle
        title={genre.name}
        subtitle={
          <>
            {formatNumber(genre.titles)} titles in this genre.{" "}
            <Link className={link} href="/genres">
              All genres
            </Link>
          </>
        }
      />
      <Filters filter={filter} />
      {ratedOnly ? (
        <p className="mb-2 text-xs text-slate-600 dark:text-slate-400">
          Sorting by votes or rating, or a minimum of votes, lists rated titles only.
        </p>
      ) : null}
      {titles.length === 0 ? (
        <EmptyState>No title of this genre matches these filters.</EmptyState>
      ) : (
        <TableWrap label={`Titles in ${genre.name}`}>
          <thead>
            <tr>
              <th className={th}>Title</th>
              <th className={th}>Type</th>
              <th className={thNum}>Year</th>
              <th className={thNum}>Rating</th>
              <th className={thNum}>Votes</th>
            </tr>
          </thead>
          <tbody>
            {titles.map((t) => (
              <tr key={t.tid} className={row}>
                <td className={`${td}`}>
                  <Link className={link} href={`/titles/${t.tconst}`}>
                    {t.primaryTitle ?? t.tconst}
                  </Link>
                </td>
                <td className={td}>{t.titleType ?? "—"}</td>
                <td className={tdNum}>{t.startYear ?? "—"}</td>
                <td className={tdNum}>{t.averageRating ?? "—"}</td>
                <td className={tdNum}>{formatNumber(t.numVotes)}</td>
              </tr>
            ))}
          </tbody>
        </TableWrap>
      )}
      <Pager page={filter.page} hasNext={hasNext} href={href} />
    </>
  );
}
