/** What a verify run found: per table the rows missing, differing and extra, and the first examples of each. */
import type { TableSnapshot } from "@/lib/api/contract";
import { formatNumber } from "./format";
import { EmptyState, row, TableWrap, td, tdNum, th, thNum } from "./ui";

type Drift = NonNullable<TableSnapshot["drift"]>;

const rowsOf = (drift: Drift) => drift.missing + drift.differing + drift.extra;

export function RunDrift({ tables }: { tables: TableSnapshot[] }) {
  const verified = tables.flatMap((t) => (t.drift ? [{ table: t.table, drift: t.drift }] : []));
  if (verified.length === 0) return <EmptyState>No table was verified to its end.</EmptyState>;
  const drifted = verified.filter((t) => rowsOf(t.drift) > 0);
  if (drifted.length === 0) {
    return <EmptyState>No drift: every verified table holds exactly the rows of its file.</EmptyState>;
  }
  const total = drifted.reduce((sum, t) => sum + rowsOf(t.drift), 0);
  const examples = drifted.flatMap((t) => t.drift.examples.map((e, i) => ({ table: t.table, i, ...e })));
  return (
    <>
      <p className="mb-2 text-sm" data-testid="drift-summary">
        {formatNumber(total)} {total === 1 ? "row differs" : "rows differ"} from the files in {drifted.length} of{" "}
        {verified.length} tables. The first examples per table, in key order:
      </p>
      <TableWrap label="Drift examples">
        <thead>
          <tr>
            <th className={th}>Table</th>
            <th className={th}>Kind</th>
            <th className={th}>Key</th>
            <th className={thNum}>Ordering</th>
            <th className={thNum}>File line</th>
          </tr>
        </thead>
        <tbody>
          {examples.map((e) => (
            <tr key={`${e.table}-${e.i}`} className={row} data-drift={e.kind}>
              <td className={`${td} font-mono`}>{e.table}</td>
              <td className={td}>{e.kind}</td>
              <td className={`${td} font-mono`}>{e.key}</td>
              <td className={tdNum}>{formatNumber(e.ordering)}</td>
              <td className={tdNum}>{formatNumber(e.lineNumber)}</td>
            </tr>
          ))}
        </tbody>
      </TableWrap>
    </>
  );
}
