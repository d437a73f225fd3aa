import Link from "next/link";
import { redirect } from "next/navigation";
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
import { searchSchema } from "@/lib/api/contract";
import { requireLogin } from "@/lib/auth/session";
import { listGenres } from "@/lib/queries/genres";
import { type SearchResponse, search } from "@/lib/queries/search";
import { TitleFilterFields } from "../title-filter-fields";

export const dynamic = "force-dynamic";

type Params = Record<string, string | string[] | undefined>;

function Filters({ params, genres }: { params: Record<string, string | undefined>; genres: string[] }) {
  return (
    <form className="mb-6 flex flex-wrap items-end gap-3" aria-label="Search">
      <label className="flex flex-col gap-1 text-sm">
        <span>Title, name, character or tt…/nm… key</span>
        <input name="q" type="search" defaultValue={params.q} className={`${input} w-80`} />
      </label>
      <TitleFilterFields values={params} years={{ min: 0, max: 9999 }} />
      <label className="flex flex-col gap-1 text-sm">
        <span>Genre</span>
        <select name="genre" defaultValue={params.genre ?? ""} className={input}>
          <option value="">any</option>
          {genres.map((g) => (
            <option key={g}>{g}</option>
          ))}
        </select>
      </label>
      <button type="submit" className={button}>
        Search
      </button>
    </form>
  );
}

function Titles({ titles }: { titles: SearchResponse["titles"] }) {
  if (titles.length === 0) return <EmptyState>No title matches.</EmptyState>;
  return (
    <TableWrap label="Matching titles">
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
          <tr key={t.tconst} className={row}>
            <td className={td}>
              <Link className={link} href={`/titles/${t.tconst}`}>
                {t.primaryTitle ?? t.tconst}
              </Link>
              {t.matched ? <span className="ml-2 text-sm text-slate-500">aka “{t.matched}”</span> : null}
            </td>
            <td className={td}>{t.titleType ?? "—"}</td>
            <td className={tdNum}>{t.startYear ?? "—"}</td>
            <td className={tdNum}>{t.averageRating ?? "—"}</td>
            <td className={tdNum}>{formatNumber(t.numVotes)}</td>
          </tr>
        ))}
      </tbody>
    </TableWrap>
  );
}

function People({ people }: { people: SearchResponse["people"] }) {
  if (people.length === 0) return <EmptyState>No person matches.</EmptyState>;
  return (
    <TableWrap label="Matching people">
      <thead>
        <tr>
          <th className={th}>Name</th>
          <th className={thNum}>Born</th>
          <th className={th}>Known for</th>
        </tr>
      </thead>
      <tbody>
        {people.map((p) => (
          <tr key={p.nconst} className={row}>
            <td className={td}>
              <Link className={link} href={`/names/${p.nconst}`}>
                {p.primaryName ?? p.nconst}
              </Link>
              <div className="text-xs text-slate-500">{String(p.primaryProfession ?? "").replaceAll(",", ", ")}</div>
            </td>
            <td className={tdNum}>{p.birthYear ?? "—"}</td>
            <td className={td}>
              {p.knownFor.map((k, i) => (
                <span key={k.tconst}>
                  {i > 0 ? ", " : null}
                  <Link className={link} href={`/titles/${k.tconst}`}>
                    {k.primaryTitle ?? k.tconst}
                  </Link>
                </span>
              ))}
            </td>
          </tr>
        ))}
      </tbody>
    </TableWrap>
  );
}

function Characters({ characters }: { characters: SearchResponse["characters"] }) {
  if (characters.length === 0) return <EmptyState>No character matches.</EmptyState>;
  return (
    <TableWrap label="Matching characters">
      <thead>
        <tr>
          <th className={th}>Character</th>
          <th className={th}>Played by</th>
          <th className={th}>In</th>
        </tr>
      </thead>
      <tbody>
        {characters.map((c) => (
          <tr key={`${c.tconst}-${c.nconst}-${c.character}`} className={row}>
            <td className={td}>{c.character}</td>
            <td className={td}>
              <Link className={link} href={`/names/${c.nconst}`}>
                {c.primaryName ?? c.nconst}
              </Link>
            </td>
            <td className={td}>
              <Link className={link} href={`/titles/${c.tconst}`}>
                {c.primaryTitle ?? c.tconst}
              </Link>
              {c.startYear ? ` (${c.startYear})` : null}
            </td>
          </tr>
        ))}
      </tbody>
    </TableWrap>
  );
}

export default async function SearchPage({ searchParams }: { searchParams: Promise<Params> }) {
  await requireLogin();
  const raw = Object.fromEntries(
    Object.entries(await searchParams).map(([k, v]) => [k, Array.isArray(v) ? v[0] : v]),
  ) as Record<string, string | undefined>;
  const genres = (await listGenres()).map((g) => g.name);
  const typed = String(raw.q ?? "").trim();
  const parsed = typed ? searchSchema.safeParse(raw) : undefined;
  let answer: SearchResponse | undefined;
  if (parsed?.success) {
    const { q, limit, ...filters } = parsed.data;
    answer = await search(q, limit, filters);
    // A key typed as such goes straight to its page.
    const only = answer.titles.length + answer.people.length === 1 && /^(tt|nm)\d+$/i.test(q.trim());
    if (only && answer.titles[0]) redirect(`/titles/${answer.titles[0].tconst}`);
    if (only && answer.people[0]) redirect(`/names/${answer.people[0].nconst}`);
  }
  return (
    <>
      <PageTitle
        title="Search"
        subtitle="Titles by any word of their title or akas, people by name, characters by the names they were given; the most voted first. One typo in a long word is forgiven."
      />
      <Filters params={raw} genres={genres} />
      {parsed && !parsed.success ? (
        <p role="alert" className="mb-4 text-sm text-red-700 dark:text-red-300">
          {parsed.error.issues.map((i) => i.message).join("; ")}
        </p>
      ) : null}
      {answer ? (
        <div className="grid gap-8">
          <Section title="Titles" id="titles">
            <Titles titles={answer.titles} />
          </Section>
          <div className="grid gap-8 lg:grid-cols-2">
            <Section title="People" id="people">
              <People people={answer.people} />
            </Section>
            <Section title="Characters" id="characters">
              <Characters characters={answer.characters} />
            </Section>
          </div>
        </div>
      ) : null}
    </>
  );
}
