/**
 * Server-sent progress of one run: polls its summary (which the engine updates about once a second,
 * wherever it runs: web worker, CLI or schedule) and sends it whenever it changed, then `end` when the
 * run is over; `error` with `{ message }` when the run cannot be read. Each progress message carries the
 * server time so the page can compute rows/s and time left (its shape: ProgressEvent in lib/api/contract.ts).
 */
import "server-only";
import { isActiveRunStatus } from "@/db/run-states";
import { getDb } from "@/lib/db";
import { runSummary } from "@/lib/etl/run-record";

const pollMs = 500;
const keepAliveMs = 15_000;

export function runEventStream(runId: number, signal: AbortSignal): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  let timer: ReturnType<typeof setTimeout> | undefined;
  return new ReadableStream({
    start(controller) {
      let last = "";
      let lastSent = Date.now();
      let closed = false;
      const close = () => {
        if (closed) return;
        closed = true;
        clearTimeout(timer);
        controller.close();
      };
      signal.addEventListener("abort", close);
      const send = (event: string, data: unknown) =>
        controller.enqueue(encoder.encode(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`));
      const tick = async () => {
        if (closed) return;
        try {
          const summary = await runSummary(getDb(), runId);
          if (closed) return;
          if (!summary) {
            send("error", { message: `Run #${runId} does not exist.` });
            return close();
          }
          const text = JSON.stringify(summary);
          if (text !== last) {
            last = text;
            lastSent = Date.now();
            send("progress", { at: Date.now(), run: summary });
          } else if (Date.now() - lastSent > keepAliveMs) {
            lastSent = Date.now();
            controller.enqueue(encoder.encode(": keep-alive\n\n"));
          }
          if (!isActiveRunStatus(summary.status)) {
            send("end", { status: summary.status });
            return close();
          }
        } catch (error) {
          send("error", { message: error instanceof Error ? error.message : String(error) });
        }
        timer = setTimeout(tick, pollMs);
      };
      void tick();
    },
    cancel() {
      clearTimeout(timer);
    },
  });
}
