"use client";
import { button } from "@/components/ui";

/** Shown when a page fails (most often: the database does not answer); the details are in the server log. */
export default function ConsoleError({ reset }: { error: Error; reset: () => void }) {
  return (
    <div role="alert" className="rounded-lg border border-red-200 bg-red-50 p-6 dark:border-red-900 dark:bg-red-950">
      <h1 className="text-xl font-semibold">This page could not be loaded</h1>
      <p className="mt-2 text-sm">
        The server could not answer, most often because the database is not reachable. Check that it runs (
        <code>npm run db:status</code>) and try again; the server log has the details.
      </p>
      <button type="button" className={`${button} mt-4`} onClick={reset}>
        Try again
      </button>
    </div>
  );
}
