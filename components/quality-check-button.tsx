"use client";
/** Counts every data-quality check again now (`POST /api/quality`), then reloads the page's figures. */
import { useRouter } from "next/navigation";
import { useState } from "react";
import { buttonSecondary } from "./ui";

export function QualityCheckButton() {
  const router = useRouter();
  const [busy, setBusy] = useState(false);
  const [failed, setFailed] = useState(false);
  const check = async () => {
    setBusy(true);
    setFailed(false);
    const response = await fetch("/api/quality", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: "{}",
    }).catch(() => undefined);
    setBusy(false);
    if (response?.ok) router.refresh();
    else setFailed(true);
  };
  return (
    <div className="mb-4 flex items-center gap-3">
      <button type="button" className={buttonSecondary} disabled={busy} onClick={check}>
        {busy ? "Counting…" : "Check now"}
      </button>
      {failed ? (
        <p role="alert" className="text-sm text-red-700">
          The checks could not run.
        </p>
      ) : null}
    </div>
  );
}
