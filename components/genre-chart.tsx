"use client";
import { Bar, BarChart, CartesianGrid, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";

/** Titles per genre as horizontal bars, largest first. */
export function GenreChart({ data }: { data: { name: string; titles: number }[] }) {
  const sorted = [...data].sort((a, b) => b.titles - a.titles);
  return (
    <figure aria-label="Titles per genre" className="w-full" style={{ height: Math.max(200, sorted.length * 24 + 40) }}>
      <ResponsiveContainer width="100%" height="100%">
        <BarChart data={sorted} layout="vertical" margin={{ top: 8, right: 16, bottom: 8, left: 8 }}>
          <CartesianGrid strokeDasharray="3 3" opacity={0.4} />
          <XAxis type="number" tickFormatter={(v: number) => v.toLocaleString("en-US")} />
          <YAxis type="category" dataKey="name" width={100} interval={0} />
          <Tooltip formatter={(v) => Number(v).toLocaleString("en-US")} />
          <Bar dataKey="titles" name="Titles" fill="#1d4ed8" />
        </BarChart>
      </ResponsiveContainer>
    </figure>
  );
}
