"use client";
import { useState } from "react";
import { LiveRun } from "./live-run";
import { startRun } from "./start-run";
import { button } from "./ui";

/** The empty state's one-click start: a first build from the bundled sample. */
export function LoadSampleButton() {
  const [runId, setRunId] = useState<number>();
  const [message, setMessage] = useState<string>();
  const [busy, setBusy] = useState(false);
  if (runId) return <LiveRun runId={runId} />;
  return (
    <div className="flex flex-col items-center gap-2">
      <button
        type="button"
        className={button}
        disabled={busy}
        onClick={async () => {
          setBusy(true);
          const result = await startRun({ mode: "first-run", source: "sample" });
          setBusy(false);
          if (result.ok) setRunId(result.id);
          else setMessage(result.message);
        }}
      >
        Load the bundled sample
      </button>
      {message ? (
        <p role="alert" className="text-sm text-red-700 dark:text-red-300">
          {message}
        </p>
      ) : null}
    </div>
  );
}
