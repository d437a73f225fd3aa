import { tableSummaries } from "@/lib/tables";

export const dynamic = "force-dynamic";

export default async function OverviewPage() {
  const tables = await tableSummaries();
  return (
    <main className="mx-auto max-w-5xl p-6">
      <h1 className="text-2xl font-semibold">IMDb Sync Console</h1>
      <p className="mt-1 text-sm text-slate-500">The IMDb datasets, mirrored into your database.</p>
      <table className="mt-6 w-full text-left text-sm">
        <thead>
          <tr className="border-b border-slate-300">
            <th className="py-2">Table</th>
            <th className="py-2 text-right">Rows (estimate)</th>
          </tr>
        </thead>
        <tbody>
          {tables.map((t) => (
            <tr key={t.table} className="border-b border-slate-200 dark:border-slate-800">
              <td className="py-2 font-mono">{t.table}</td>
              <td className="py-2 text-right tabular-nums">{t.rows.toLocaleString("en-US")}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </main>
  );
}
