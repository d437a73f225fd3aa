"use client";
import { Bar, BarChart, CartesianGrid, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";

const palette = ["#1d4ed8", "#b45309", "#047857", "#7c3aed", "#be123c", "#0e7490", "#4d7c0f"];

/** Changed rows (inserted + updated + deleted) per table, one stacked bar per run. */
export function ChangesChart({ data, tables }: { data: Record<string, number | string>[]; tables: readonly string[] }) {
  return (
    <figure aria-label="Changed rows per table across recent runs" className="h-80 w-full">
      <ResponsiveContainer width="100%" height="100%">
        <BarChart data={data} margin={{ top: 8, right: 8, bottom: 8, left: 8 }}>
          <CartesianGrid strokeDasharray="3 3" opacity={0.4} />
          <XAxis dataKey="run" />
          <YAxis width={70} tickFormatter={(v: number) => v.toLocaleString("en-US")} />
          <Tooltip formatter={(v) => Number(v).toLocaleString("en-US")} />
          <Legend />
          {tables.map((table, i) => (
            <Bar key={table} dataKey={table} stackId="changes" fill={palette[i % palette.length]} />
          ))}
        </BarChart>
      </ResponsiveContainer>
    </figure>
  );
}
