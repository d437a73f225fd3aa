"use client";
/**
 * Whether IMDb has newer files than the last sync loaded, asked after the page has loaded (GET
 * /api/imdb-status does conditional HEAD requests) so a slow or unreachable IMDb never delays the page.
 */
import { useEffect, useState } from "react";
import type { ImdbStatusResponse } from "@/lib/api/contract";
import { row, TableWrap, td, th } from "./ui";

type Freshness = ImdbStatusResponse["files"][number];

const labels = { newer: "newer file available", same: "no newer file" } as const;

export function ImdbFreshness() {
  const [files, setFiles] = useState<Freshness[]>();
  const [failed, setFailed] = useState(false);

  useEffect(() => {
    fetch("/api/imdb-status")
      .then((response) => (response.ok ? response.json() : Promise.reject(new Error(String(response.status)))))
      .then((body: ImdbStatusResponse) => setFiles(body.files))
      .catch(() => setFailed(true));
  }, []);

  if (failed) return <p className="text-sm text-slate-500">The check could not run.</p>;
  if (!files) return <p className="text-sm text-slate-500">Asking IMDb…</p>;
  const newest = files
    .flatMap((f) => (f.state !== "unknown" && f.lastModified ? [new Date(f.lastModified)] : []))
    .filter((d) => !Number.isNaN(d.getTime()))
    .sort((a, b) => b.getTime() - a.getTime())[0];
  return (
    <>
      {newest ? (
        <p className="mb-2 text-sm" data-testid="imdb-newest">
          IMDb&apos;s newest file: {newest.toUTCString()} (
          {Math.max(0, Math.floor((Date.now() - newest.getTime()) / 3_600_000))} hours old).
        </p>
      ) : null}
      <FilesTable files={files} />
    </>
  );
}

function FilesTable({ files }: { files: Freshness[] }) {
  return (
    <TableWrap label="IMDb files">
      <thead>
        <tr>
          <th className={th}>Table</th>
          <th className={th}>IMDb</th>
        </tr>
      </thead>
      <tbody>
        {files.map((f) => (
          <tr key={f.table} className={row} data-freshness={f.state}>
            <td className={`${td} font-mono`}>{f.table}</td>
            <td className={td}>
              {f.state === "unknown" ? `unknown: ${f.reason}` : labels[f.state]}
              {f.state !== "unknown" && f.lastModified ? ` (IMDb: ${f.lastModified})` : ""}
            </td>
          </tr>
        ))}
      </tbody>
    </TableWrap>
  );
}
