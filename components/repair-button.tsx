"use client";
/** Starts the repair of a verify run's drifted tables, from the same source, and opens the new run's page. */
import { useRouter } from "next/navigation";
import { useState } from "react";
import type { StartRunRequest } from "@/lib/api/contract";
import type { TableName } from "@/lib/catalog/datasets";
import { startRun } from "./start-run";
import { button } from "./ui";

export function RepairButton({ source, tables }: { source: StartRunRequest["source"]; tables: TableName[] }) {
  const router = useRouter();
  const [busy, setBusy] = useState(false);
  const [refusal, setRefusal] = useState<string>();
  const repair = async () => {
    setBusy(true);
    setRefusal(undefined);
    const result = await startRun({ mode: "verify", repair: true, source, tables });
    setBusy(false);
    if (result.ok) router.push(`/runs/${result.id}`);
    else setRefusal(result.message);
  };
  return (
    <div className="mt-3 flex flex-wrap items-center gap-3">
      <button type="button" className={button} onClick={repair} disabled={busy}>
        {busy ? "Starting…" : "Repair these tables"}
      </button>
      <span className="text-sm text-slate-600 dark:text-slate-400">
        An incremental sync of {tables.join(", ")} that compares every row with the file and writes the differences.
      </span>
      {refusal ? (
        <p role="alert" className="text-sm text-red-700 dark:text-red-300">
          {refusal}
        </p>
      ) : null}
    </div>
  );
}
