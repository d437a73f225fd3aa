/** Starts a sync through the API and turns its answer into something the page can say. */
export interface StartRequest {
  mode: "first-run" | "incremental";
  source: string;
  tables?: string[];
  forceDeletes?: boolean;
  /** Set once the person confirmed that a first build replaces the data the tables hold. */
  replace?: boolean;
}

export type StartResult = { ok: true; id: number } | { ok: false; message: string; runningId?: number };

export async function startRun(request: StartRequest): Promise<StartResult> {
  const response = await fetch("/api/runs", {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(request),
  });
  const body = (await response.json().catch(() => ({}))) as { id?: number; runId?: number; error?: unknown };
  if (response.status === 202 && body.id) return { ok: true, id: body.id };
  if (response.status === 409) {
    return {
      ok: false,
      runningId: body.runId,
      message: `A sync is already running (run #${body.runId}). Only one sync runs at a time: wait for it to finish or cancel it.`,
    };
  }
  if (response.status === 428) {
    return {
      ok: false,
      message: "These tables hold data: confirm that the first build replaces it, then start again.",
    };
  }
  if (response.status === 401) return { ok: false, message: "Your session has ended: log in again." };
  return { ok: false, message: `The sync could not start (HTTP ${response.status}).` };
}
