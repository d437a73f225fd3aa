"use client";
import { CartesianGrid, Legend, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import type { TitleHistoryResponse } from "@/lib/api/contract";
import { formatDate } from "./format";

/** A title's rating (left axis) and votes (right axis) after each run that changed them. */
export function RatingChart({ points }: { points: TitleHistoryResponse["ratings"] }) {
  const data = points.map((p) => ({
    run: `#${p.runId}`,
    date: formatDate(p.at),
    rating: p.averageRating === null ? null : Number(p.averageRating),
    votes: p.numVotes,
  }));
  return (
    <figure aria-label="Rating and votes over time" className="h-72 w-full" data-points={data.length}>
      <ResponsiveContainer width="100%" height="100%">
        <LineChart data={data} margin={{ top: 8, right: 8, bottom: 8, left: 8 }}>
          <CartesianGrid strokeDasharray="3 3" opacity={0.4} />
          <XAxis dataKey="run" />
          <YAxis yAxisId="rating" domain={[0, 10]} width={40} />
          <YAxis
            yAxisId="votes"
            orientation="right"
            width={70}
            tickFormatter={(v: number) => v.toLocaleString("en-US")}
          />
          <Tooltip
            labelFormatter={(label, payload) => `Run ${label}, ${payload?.[0]?.payload?.date ?? ""}`}
            formatter={(v) => Number(v).toLocaleString("en-US")}
          />
          <Legend />
          <Line yAxisId="rating" dataKey="rating" name="rating" stroke="#1d4ed8" isAnimationActive={false} />
          <Line yAxisId="votes" dataKey="votes" name="votes" stroke="#b45309" isAnimationActive={false} />
        </LineChart>
      </ResponsiveContainer>
    </figure>
  );
}
