import Link from "next/link";
import { formatNumber } from "@/components/format";
import { GenreChart } from "@/components/genre-chart";
import { EmptyState, link, PageTitle, row, Section, TableWrap, td, tdNum, th, thNum } from "@/components/ui";
import { requireLogin } from "@/lib/auth/session";
import { listGenres } from "@/lib/queries/genres";

export const dynamic = "force-dynamic";

export default async function GenresPage() {
  await requireLogin();
  const genres = await listGenres();
  return (
    <>
      <PageTitle title="Genres" subtitle="Every genre in title_basics, with how many titles carry it." />
      {genres.length === 0 ? (
        <EmptyState>
          No genres yet: they appear once title_basics has been synced. Start a sync from the{" "}
          <Link className={link} href="/">
            overview
          </Link>
          .
        </EmptyState>
      ) : (
        <div className="grid gap-8 lg:grid-cols-2">
          <Section title="All genres" id="list">
            <TableWrap label="Genres">
              <thead>
                <tr>
                  <th className={th}>Genre</th>
                  <th className={thNum}>Titles</th>
                </tr>
              </thead>
              <tbody>
                {genres.map((g) => (
                  <tr key={g.id} className={row}>
                    <td className={td}>
                      <Link className={link} href={`/genres/${encodeURIComponent(g.name)}`}>
                        {g.name}
                      </Link>
                    </td>
                    <td className={tdNum}>{formatNumber(g.titles)}</td>
                  </tr>
                ))}
              </tbody>
            </TableWrap>
          </Section>
          <Section title="Titles per genre" id="chart">
            <GenreChart data={genres.map((g) => ({ name: g.name, titles: g.titles }))} />
          </Section>
        </div>
      )}
    </>
  );
}
