import Link from "next/link";

const items = [
  { href: "/", label: "Overview" },
  { href: "/runs", label: "Runs" },
  { href: "/changes", label: "Changes" },
  { href: "/genres", label: "Genres" },
  { href: "/search", label: "Search" },
  { href: "/quality", label: "Quality" },
  { href: "/settings", label: "Settings" },
];

/** The console's top bar: the product name, the main pages, and a search box usable from anywhere. */
export function Nav({ showLogout }: { showLogout: boolean }) {
  return (
    <header className="border-b border-slate-200 bg-white dark:border-slate-800 dark:bg-slate-900">
      <div className="mx-auto flex max-w-6xl flex-wrap items-center gap-x-6 gap-y-2 px-4 py-3">
        <Link href="/" className="font-semibold">
          IMDb Sync Console
        </Link>
        <nav aria-label="Main">
          <ul className="flex flex-wrap gap-4 text-sm">
            {items.map((item) => (
              <li key={item.href}>
                <Link className="hover:underline" href={item.href}>
                  {item.label}
                </Link>
              </li>
            ))}
          </ul>
        </nav>
        <search className="ml-auto">
          <form action="/search" className="flex gap-2">
            <label className="sr-only" htmlFor="nav-search">
              Search titles and people
            </label>
            <input
              id="nav-search"
              name="q"
              type="search"
              placeholder="Search titles and people"
              className="w-48 rounded-md border border-slate-300 bg-white px-2 py-1 text-sm dark:border-slate-600 dark:bg-slate-800"
            />
          </form>
        </search>
        {showLogout ? (
          <form action="/logout" method="post">
            <button type="submit" className="text-sm hover:underline">
              Log out
            </button>
          </form>
        ) : null}
      </div>
    </header>
  );
}
