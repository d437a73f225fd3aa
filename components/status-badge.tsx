const colours: Record<string, string> = {
  queued: "bg-slate-200 text-slate-800 dark:bg-slate-700 dark:text-slate-100",
  pending: "bg-slate-200 text-slate-800 dark:bg-slate-700 dark:text-slate-100",
  running: "bg-blue-100 text-blue-900 dark:bg-blue-900 dark:text-blue-100",
  succeeded: "bg-green-100 text-green-900 dark:bg-green-900 dark:text-green-100",
  skipped: "bg-amber-100 text-amber-900 dark:bg-amber-900 dark:text-amber-100",
  failed: "bg-red-100 text-red-900 dark:bg-red-900 dark:text-red-100",
  cancelled: "bg-orange-100 text-orange-900 dark:bg-orange-900 dark:text-orange-100",
};

/** A run's or a table's status as a coloured label (the word itself carries the meaning). */
export function StatusBadge({ status }: { status: string }) {
  return (
    <span className={`inline-block rounded px-2 py-0.5 text-xs font-medium ${colours[status] ?? colours.pending}`}>
      {status}
    </span>
  );
}
