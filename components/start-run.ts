/** Starts a sync through the API and turns its answer into something the page can say. */
import type { ApiErrorBody, StartRunRequest, StartRunResponse } from "@/lib/api/contract";

export type StartResult = { ok: true; id: number } | { ok: false; message: string; runningId?: number };

export async function startRun(request: StartRunRequest): Promise<StartResult> {
  const response = await fetch("/api/runs", {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(request),
  });
  const body = (await response.json().catch(() => undefined)) as StartRunResponse | ApiErrorBody | undefined;
  if (response.status === 202 && body && "id" in body) return { ok: true, id: body.id };
  const error = body && "code" in body ? body : undefined;
  switch (error?.code) {
    case "SYNC_BUSY": {
      const runningId = (error.details as { runId?: number } | undefined)?.runId;
      return {
        ok: false,
        runningId,
        message: `A sync is already running (run #${runningId}). Only one sync runs at a time: wait for it to finish or cancel it.`,
      };
    }
    case "CONFIRM_REPLACE":
      return {
        ok: false,
        message: "These tables hold data: confirm that the first build replaces it, then start again.",
      };
    case "UNAUTHORIZED":
      return { ok: false, message: "Your session has ended: log in again." };
    default:
      return { ok: false, message: error?.message ?? `The sync could not start (HTTP ${response.status}).` };
  }
}
