/** A list of logged changes (a run's, recent runs', a title's or a person's): key, kind and columns old → new. */
import Link from "next/link";
import { formatDate } from "@/components/format";
import { EmptyState, link, row, TableWrap, td, th } from "@/components/ui";
import type { RunChangesResponse } from "@/lib/api/contract";

/** A change as the API answers it; with its run and the run's start when listed across runs. */
type ListedChange = RunChangesResponse["changes"][number] & { runId?: number; at?: Date | string | null };

const kindStyle = {
  insert: "text-emerald-700 dark:text-emerald-400",
  update: "text-amber-700 dark:text-amber-400",
  delete: "text-red-700 dark:text-red-400",
} as const;

/** A value as the file has it: NULL shown as \N, an empty string as "" (they differ, and the log says so). */
function Value({ value }: { value: string | null }) {
  if (value === null) return <span className="text-slate-500">\N</span>;
  if (value === "") return <span className="text-slate-500">""</span>;
  return <span className="font-mono">{value}</span>;
}

function keyHref(key: string) {
  return key.startsWith("nm") ? `/names/${key}` : `/titles/${key}`;
}

export function ChangeList({ changes, label, showRun }: { changes: ListedChange[]; label: string; showRun?: boolean }) {
  if (changes.length === 0) return <EmptyState>No changes logged here.</EmptyState>;
  return (
    <TableWrap label={label}>
      <thead>
        <tr>
          {showRun ? (
            <>
              <th className={th}>Run</th>
              <th className={th}>Date</th>
            </>
          ) : null}
          <th className={th}>Table</th>
          <th className={th}>Key</th>
          <th className={th}>Ordering</th>
          <th className={th}>Change</th>
          <th className={th}>Columns (old → new)</th>
        </tr>
      </thead>
      <tbody>
        {changes.map((c) => (
          <tr
            key={`${c.runId ?? ""}-${c.table}-${c.key}-${c.ordering ?? ""}`}
            className={row}
            data-change={c.kind}
            data-key={c.key}
          >
            {showRun ? (
              <>
                <td className={td}>
                  <Link className={link} href={`/runs/${c.runId}`}>
                    #{c.runId}
                  </Link>
                </td>
                <td className={`${td} whitespace-nowrap`}>{formatDate(c.at ?? null)}</td>
              </>
            ) : null}
            <td className={`${td} font-mono`}>{c.table}</td>
            <td className={td}>
              <Link className={`${link} font-mono`} href={keyHref(c.key)}>
                {c.key}
              </Link>
            </td>
            <td className={td}>{c.ordering ?? ""}</td>
            <td className={`${td} font-medium ${kindStyle[c.kind]}`}>{c.kind}</td>
            <td className={td}>
              {c.columns ? (
                <ul className="space-y-0.5">
                  {Object.entries(c.columns).map(([column, value]) => (
                    <li key={column} data-column={column}>
                      <span className="text-slate-600 dark:text-slate-400">{column}</span>: <Value value={value.old} />{" "}
                      → <Value value={value.new} />
                    </li>
                  ))}
                </ul>
              ) : null}
            </td>
          </tr>
        ))}
      </tbody>
    </TableWrap>
  );
}
