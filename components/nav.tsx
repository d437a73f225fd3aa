import Link from "next/link";
import { SearchBox } from "./search-box";

const items = [
  { href: "/", label: "Overview" },
  { href: "/runs", label: "Runs" },
  { href: "/changes", label: "Changes" },
  { href: "/genres", label: "Genres" },
  { href: "/search", label: "Search" },
  { href: "/quality", label: "Quality" },
  { href: "/settings", label: "Settings" },
];

/** The console's top bar: the product name, the main pages, and a search box usable from anywhere that suggests as one types. */
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
        <SearchBox />
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
