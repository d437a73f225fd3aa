/**
 * Server-sent progress of one run: polls its summary (which the engine updates about once a second,
 * wherever it runs: web worker, CLI or schedule) and sends it whenever it changed, then `end` when the
 * run is over; `error` with `{ message }` when the run cannot be read. Each progress message carries the
 * server time so the page can compute rows/s and time left (its shape: ProgressEvent in lib/api/contract.ts).
 */
import "server-only";
import { isActiveRunStatus } from "@/db/run-states";
import { getDb } from "@/lib/db";
import { runSummary } from "@/lib/run-record/record";

const pollMs = 500;
const keepAliveMs = 15_000;
/** A stream ends after this long (EventSource reconnects by itself), and few may be open at once. */
const maxLifetimeMs = 60 * 60_000;
const maxStreamsPerClient = 10;
const maxStreams = 100;

const cache = globalThis as unknown as { imdbOpenStreams?: Map<string, number> };
cache.imdbOpenStreams ??= new Map();
const openStreams = cache.imdbOpenStreams;
const total = () => [...openStreams.values()].reduce((a, b) => a + b, 0);

/** Takes a stream slot for `client`; undefined when it (or everyone) has too many open. */
export function takeStreamSlot(client: string): (() => void) | undefined {
  const own = openStreams.get(client) ?? 0;
  if (own >= maxStreamsPerClient || total() >= maxStreams) return undefined;
  openStreams.set(client, own + 1);
  let released = false;
  return () => {
    if (released) return;
    released = true;
    const left = (openStreams.get(client) ?? 1) - 1;
    if (left > 0) openStreams.set(client, left);
    else openStreams.delete(client);
  };
}

export function runEventStream(runId: number, signal: AbortSignal, onClose = () => {}): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  const startedAt = Date.now();
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
        onClose();
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
          if (Date.now() - startedAt > maxLifetimeMs) return close();
        } catch (error) {
          send("error", { message: error instanceof Error ? error.message : String(error) });
        }
        timer = setTimeout(tick, pollMs);
      };
      void tick();
    },
    cancel() {
      clearTimeout(timer);
      onClose();
    },
  });
}
