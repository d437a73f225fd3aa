import type { EtlReject } from "@/db/schema";
import { formatNumber } from "./format";
import { EmptyState, row, TableWrap, td, tdNum, th, thNum } from "./ui";

/** The rejected lines of a run with file, line number, reason and the line itself. */
export function RunRejects({ rows, total }: { rows: EtlReject[]; total: number }) {
  if (rows.length === 0) return <EmptyState>No line was rejected in this run.</EmptyState>;
  return (
    <>
      {total > rows.length ? (
        <p className="mb-2 text-sm">
          Showing the first {formatNumber(rows.length)} of {formatNumber(total)} (all are in the table etl_rejects).
        </p>
      ) : null}
      <TableWrap label="Rejected lines">
        <thead>
          <tr>
            <th className={th}>Table</th>
            <th className={th}>File</th>
            <th className={thNum}>Line</th>
            <th className={th}>Reason</th>
            <th className={th}>Content</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr key={r.id} className={row}>
              <td className={`${td} font-mono`}>{r.tableName}</td>
              <td className={`${td} font-mono`}>{r.file}</td>
              <td className={tdNum}>{formatNumber(r.lineNumber)}</td>
              <td className={`${td}`}>{r.reason}</td>
              <td className={`${td} max-w-md truncate font-mono text-xs`} title={r.line}>
                {r.line}
              </td>
            </tr>
          ))}
        </tbody>
      </TableWrap>
    </>
  );
}
