/** Small presentational pieces shared by the console pages. */
import Link from "next/link";

export function PageTitle({ title, subtitle }: { title: string; subtitle?: React.ReactNode }) {
  return (
    <div className="mb-6">
      <h1 className="text-2xl font-semibold">{title}</h1>
      {subtitle ? <p className="mt-1 text-sm text-slate-600 dark:text-slate-400">{subtitle}</p> : null}
    </div>
  );
}

export function Section({ title, children, id }: { title: string; children: React.ReactNode; id?: string }) {
  return (
    <section className="mb-8" aria-labelledby={id}>
      <h2 id={id} className="mb-3 text-lg font-semibold">
        {title}
      </h2>
      {children}
    </section>
  );
}

export function EmptyState({ children }: { children: React.ReactNode }) {
  return (
    <div className="rounded-lg border border-dashed border-slate-300 p-6 text-center text-sm text-slate-600 dark:border-slate-700 dark:text-slate-400">
      {children}
    </div>
  );
}

/** A horizontally scrollable table wrapper, so wide tables stay readable on a phone. */
export function TableWrap({ children, label }: { children: React.ReactNode; label: string }) {
  return (
    <section
      aria-label={label}
      className="overflow-x-auto rounded-lg border border-slate-200 bg-white dark:border-slate-800 dark:bg-slate-900"
    >
      <table className="w-full text-left text-sm">{children}</table>
    </section>
  );
}

/** Table and link styles: short classes defined once in app/globals.css (they repeat on every row). */
export const th = "cell-head";
export const td = "cell";
export const tdNum = "cell-num";
export const thNum = "cell-head text-right";
export const row = "row-line";
export const link = "link";
export const button =
  "inline-flex items-center justify-center rounded-md bg-blue-700 px-4 py-2 text-sm font-medium text-white hover:bg-blue-800 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-blue-700 disabled:opacity-50";
export const buttonSecondary =
  "inline-flex items-center justify-center rounded-md border border-slate-300 bg-white px-4 py-2 text-sm font-medium text-slate-800 hover:bg-slate-100 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-blue-700 disabled:opacity-50 dark:border-slate-600 dark:bg-slate-800 dark:text-slate-100";
export const input =
  "rounded-md border border-slate-300 bg-white px-2 py-1.5 text-sm dark:border-slate-600 dark:bg-slate-800";

/** Previous / next links that keep the other query parameters. */
export function Pager({
  page,
  hasNext,
  href,
  total,
}: {
  page: number;
  hasNext: boolean;
  href: (page: number) => string;
  total?: string;
}) {
  return (
    <nav aria-label="Pages" className="mt-4 flex items-center gap-4 text-sm">
      {page > 1 ? (
        <Link className={link} href={href(page - 1)} rel="prev">
          ← Previous
        </Link>
      ) : (
        <span className="text-slate-400">← Previous</span>
      )}
      <span>
        Page {page}
        {total ? ` of ${total}` : ""}
      </span>
      {hasNext ? (
        <Link className={link} href={href(page + 1)} rel="next">
          Next →
        </Link>
      ) : (
        <span className="text-slate-400">Next →</span>
      )}
    </nav>
  );
}

/** Builds a URL from a path and parameters, leaving out empty ones. */
export function withParams(path: string, params: Record<string, string | number | undefined>): string {
  const query = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value !== undefined && value !== "") query.set(key, String(value));
  }
  const text = query.toString();
  return text ? `${path}?${text}` : path;
}
