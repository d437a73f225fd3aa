"use client";
/**
 * Sync controls: the kind of sync (explained), the source, optionally the tables; a first build asks for
 * confirmation before it replaces data, a verify may repair what it finds. A refused start (another sync runs)
 * says why; a started one is followed live below the form.
 */
import Link from "next/link";
import { useId, useRef, useState } from "react";
import type { StartRunRequest } from "@/lib/api/contract";
import type { TableName } from "@/lib/catalog/datasets";
import { LiveRun } from "./live-run";
import { startRun } from "./start-run";
import { button, buttonSecondary, input, link } from "./ui";

interface Props {
  tables: readonly TableName[];
  filledTables: TableName[];
  localDir?: string;
  activeRunId?: number;
}

const modes = [
  {
    value: "incremental",
    label: "Incremental sync",
    help: "Compares each file with what the database holds and writes only the differences: new rows are added, changed rows updated, rows IMDb removed are deleted. Safe to run at any time.",
  },
  {
    value: "first-run",
    label: "First build",
    help: "Loads each selected table from scratch into a fresh copy and swaps it in at the end. Fastest for an empty database; it replaces whatever the tables hold now.",
  },
  {
    value: "verify",
    label: "Verify",
    help: "Compares each table with its file row by row and writes nothing: the run's page counts the rows missing from the table, differing from the file and extra, with examples. Finds rows changed outside the sync.",
  },
] as const;

/** The submit button says what starts. */
function startLabel(mode: StartRunRequest["mode"], repair: boolean): string {
  if (mode !== "verify") return "Start sync";
  return repair ? "Start repair" : "Start verify";
}

export function SyncPanel({ tables, filledTables, localDir, activeRunId }: Props) {
  const id = useId();
  const dialog = useRef<HTMLDialogElement>(null);
  const [mode, setMode] = useState<StartRunRequest["mode"]>("incremental");
  const [source, setSource] = useState<StartRunRequest["source"]>("sample");
  const [chosen, setChosen] = useState<TableName[]>([...tables]);
  const [forceDeletes, setForceDeletes] = useState(false);
  const [repair, setRepair] = useState(false);
  const [runId, setRunId] = useState(activeRunId);
  const [refusal, setRefusal] = useState<{ message: string; runningId?: number }>();
  const [busy, setBusy] = useState(false);
  const replaced = filledTables.filter((t) => chosen.includes(t));

  const start = async () => {
    setBusy(true);
    setRefusal(undefined);
    const all = chosen.length === tables.length;
    // A first build only starts from the confirmation dialog, so it is sent as confirmed.
    const replace = mode === "first-run";
    const tablesChosen = all ? undefined : chosen;
    const withRepair = mode === "verify" && repair;
    const result = await startRun({ mode, source, tables: tablesChosen, forceDeletes, replace, repair: withRepair });
    setBusy(false);
    if (result.ok) setRunId(result.id);
    else setRefusal(result);
  };

  const submit = (event: React.FormEvent) => {
    event.preventDefault();
    if (chosen.length === 0) return setRefusal({ message: "Choose at least one table." });
    if (mode === "first-run") dialog.current?.showModal();
    else void start();
  };

  return (
    <div className="space-y-4">
      <form
        onSubmit={submit}
        aria-label="Start a sync"
        className="space-y-4 rounded-lg border border-slate-200 bg-white p-4 dark:border-slate-800 dark:bg-slate-900"
      >
        <fieldset>
          <legend className="mb-2 text-sm font-medium">Kind of sync</legend>
          <div className="grid gap-2 md:grid-cols-3">
            {modes.map((m) => (
              <label
                key={m.value}
                className="flex gap-2 rounded-md border border-slate-200 p-3 has-checked:border-blue-600 dark:border-slate-700"
              >
                <input
                  type="radio"
                  name={`${id}-mode`}
                  value={m.value}
                  checked={mode === m.value}
                  onChange={() => setMode(m.value)}
                  aria-describedby={`${id}-${m.value}`}
                  className="mt-1"
                />
                <span>
                  <span className="block text-sm font-medium">{m.label}</span>
                  <span id={`${id}-${m.value}`} className="block text-xs text-slate-600 dark:text-slate-400">
                    {m.help}
                  </span>
                </span>
              </label>
            ))}
          </div>
        </fieldset>
        <div className="flex flex-wrap items-end gap-4">
          <label className="flex flex-col gap-1 text-sm">
            <span className="font-medium">Source</span>
            <select
              className={input}
              value={source}
              onChange={(e) => setSource(e.target.value as StartRunRequest["source"])}
            >
              <option value="sample">Bundled sample (data/sample)</option>
              <option value="imdb">IMDb (datasets.imdbws.com)</option>
              <option value="local" disabled={!localDir}>
                {localDir ? `Local folder (${localDir})` : "Local folder (set IMDB_LOCAL_DIR)"}
              </option>
            </select>
          </label>
          {mode === "verify" ? (
            <label className="flex items-center gap-2 text-sm">
              <input type="checkbox" checked={repair} onChange={(e) => setRepair(e.target.checked)} />
              Repair: put the differences right (an incremental sync that compares every row)
            </label>
          ) : null}
          <label className="flex items-center gap-2 text-sm">
            <input
              type="checkbox"
              checked={forceDeletes}
              disabled={mode === "verify" && !repair}
              onChange={(e) => setForceDeletes(e.target.checked)}
            />
            Apply deletes even past the deletion guard
          </label>
        </div>
        <details>
          <summary className="cursor-pointer text-sm font-medium">
            Tables ({chosen.length === tables.length ? "all" : `${chosen.length} of ${tables.length}`})
          </summary>
          <fieldset className="mt-2 flex flex-wrap gap-x-4 gap-y-2">
            <legend className="sr-only">Tables to sync</legend>
            {tables.map((t) => (
              <label key={t} className="flex items-center gap-1 font-mono text-sm">
                <input
                  type="checkbox"
                  checked={chosen.includes(t)}
                  onChange={(e) => setChosen(e.target.checked ? [...chosen, t] : chosen.filter((c) => c !== t))}
                />
                {t}
              </label>
            ))}
          </fieldset>
        </details>
        <button type="submit" className={button} disabled={busy}>
          {busy ? "Starting…" : startLabel(mode, repair)}
        </button>
        {refusal ? (
          <p role="alert" className="text-sm text-red-700 dark:text-red-300">
            {refusal.message}{" "}
            {refusal.runningId ? (
              <Link className={link} href={`/runs/${refusal.runningId}`}>
                See run #{refusal.runningId}
              </Link>
            ) : null}
          </p>
        ) : null}
      </form>
      <dialog
        ref={dialog}
        aria-labelledby={`${id}-confirm`}
        className="m-auto max-w-md rounded-lg p-6 backdrop:bg-black/40 dark:bg-slate-900 dark:text-slate-100"
      >
        <h3 id={`${id}-confirm`} className="text-lg font-semibold">
          Replace the data with a first build?
        </h3>
        <p className="mt-2 text-sm">
          {replaced.length > 0
            ? `These tables already hold data, which the first build replaces: ${replaced.join(", ")}.`
            : "A first build loads the selected tables from scratch; anything they hold is replaced."}{" "}
          Until it finishes, the current contents stay readable.
        </p>
        <div className="mt-4 flex justify-end gap-2">
          <button type="button" className={buttonSecondary} onClick={() => dialog.current?.close()}>
            Keep my data
          </button>
          <button
            type="button"
            className={button}
            onClick={() => {
              dialog.current?.close();
              void start();
            }}
          >
            Replace and build
          </button>
        </div>
      </dialog>
      {runId ? <LiveRun key={runId} runId={runId} /> : null}
    </div>
  );
}
