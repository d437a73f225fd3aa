"use client";
import { useRouter } from "next/navigation";
import { useEffect, useId, useRef, useState } from "react";
import type { SearchResponse } from "@/lib/api/contract";

interface Suggestion {
  href: string;
  label: string;
  detail: string;
}

/** The suggestions for one answer: the best titles, people and characters, each a link. */
function suggestionsOf(answer: SearchResponse): Suggestion[] {
  const titles = answer.titles.slice(0, 5).map((t) => ({
    href: `/titles/${t.tconst}`,
    label: t.primaryTitle ?? t.tconst,
    detail: [t.startYear, t.titleType, t.matched ? `aka “${t.matched}”` : null].filter(Boolean).join(" · "),
  }));
  const people = answer.people.slice(0, 3).map((p) => ({
    href: `/names/${p.nconst}`,
    label: p.primaryName ?? p.nconst,
    detail: [p.knownFor[0]?.primaryTitle, p.primaryProfession?.split(",")[0]].filter(Boolean).join(" · ") || "person",
  }));
  const characters = answer.characters.slice(0, 2).map((c) => ({
    href: `/titles/${c.tconst}`,
    label: c.character,
    detail: `${c.primaryName ?? c.nconst} in ${c.primaryTitle ?? c.tconst}${c.startYear ? ` (${c.startYear})` : ""}`,
  }));
  return [...titles, ...people, ...characters];
}

/**
 * The top bar's search box: a plain form to /search (works without script), which suggests titles, people and
 * characters from `GET /api/search` as one types (after a short pause; an older answer never replaces a newer).
 * With script it is an ARIA combobox (WAI-ARIA 1.2, list autocomplete): the focus stays in the input, the arrow
 * keys move the active option (aria-activedescendant), Enter opens it, Escape closes the list.
 */
export function SearchBox() {
  const router = useRouter();
  const listId = useId();
  const [query, setQuery] = useState("");
  const [items, setItems] = useState<Suggestion[]>([]);
  const [open, setOpen] = useState(false);
  const [active, setActive] = useState(-1);
  const latest = useRef(0);

  useEffect(() => {
    // Only the start is trimmed: a last word with no space after it is completed by the search.
    const q = query.trimStart();
    if (q.trim().length < 2) {
      setItems([]);
      return;
    }
    const ticket = ++latest.current;
    const controller = new AbortController();
    const timer = setTimeout(async () => {
      try {
        const response = await fetch(`/api/search?limit=5&q=${encodeURIComponent(q)}`, { signal: controller.signal });
        if (!response.ok || ticket !== latest.current) return;
        setItems(suggestionsOf((await response.json()) as SearchResponse));
        setActive(-1);
      } catch {
        // aborted, or offline: no suggestions
      }
    }, 150);
    return () => {
      clearTimeout(timer);
      controller.abort();
    };
  }, [query]);

  const shown = open && items.length > 0;
  return (
    <search className="relative ml-auto">
      <form
        action="/search"
        className="flex gap-2"
        onSubmit={(event) => {
          const chosen = shown && active >= 0 ? items[active] : undefined;
          if (chosen) {
            event.preventDefault();
            setOpen(false);
            router.push(chosen.href);
          }
        }}
      >
        <label className="sr-only" htmlFor="nav-search">
          Search titles, people and characters
        </label>
        <input
          id="nav-search"
          name="q"
          type="search"
          autoComplete="off"
          role="combobox"
          aria-autocomplete="list"
          aria-expanded={shown}
          aria-controls={listId}
          aria-activedescendant={shown && active >= 0 ? `${listId}-${active}` : undefined}
          placeholder="Search titles, people, characters"
          value={query}
          onChange={(event) => {
            setQuery(event.target.value);
            setActive(-1);
            setOpen(true);
          }}
          onFocus={() => setOpen(true)}
          onBlur={() => setTimeout(() => setOpen(false), 150)}
          onKeyDown={(event) => {
            if (!shown) return;
            if (event.key === "ArrowDown") {
              event.preventDefault();
              setActive((a) => (a + 1) % items.length);
            } else if (event.key === "ArrowUp") {
              event.preventDefault();
              setActive((a) => (a <= 0 ? items.length - 1 : a - 1));
            } else if (event.key === "Escape") setOpen(false);
          }}
          className="w-64 rounded-md border border-slate-300 bg-white px-2 py-1 text-sm dark:border-slate-600 dark:bg-slate-800"
        />
      </form>
      <div
        id={listId}
        role="listbox"
        aria-label="Suggestions"
        hidden={!shown}
        className="absolute right-0 z-20 mt-1 w-96 overflow-hidden rounded-md border border-slate-200 bg-white text-sm shadow-lg dark:border-slate-700 dark:bg-slate-900"
      >
        {items.map((item, index) => (
          // Chosen with the pointer or from the input's keys: the input keeps the focus throughout (tabIndex -1).
          <div
            key={item.href + item.label}
            id={`${listId}-${index}`}
            role="option"
            tabIndex={-1}
            aria-selected={index === active}
            className={`block cursor-pointer px-3 py-2 hover:bg-slate-100 dark:hover:bg-slate-800 ${index === active ? "bg-slate-100 dark:bg-slate-800" : ""}`}
            onMouseDown={(event) => {
              event.preventDefault();
              setOpen(false);
              router.push(item.href);
            }}
          >
            <span className="font-medium">{item.label}</span>
            {item.detail ? <span className="ml-2 text-slate-500 dark:text-slate-400">{item.detail}</span> : null}
          </div>
        ))}
      </div>
    </search>
  );
}
