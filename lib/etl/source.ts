/**
 * Where the IMDb files come from: IMDb over HTTP(S) (conditional GET, kept in the download folder so an
 * unchanged file is skipped), a local folder of .tsv.gz or .tsv files, or the sample bundled in data/sample.
 * Every source ends as a local file that can be opened again: a download is complete before it is read.
 */
import { closeSync, constants, createReadStream, existsSync, fstatSync, openSync } from "node:fs";
import { mkdir, open, rename, rm, stat } from "node:fs/promises";
import path from "node:path";
import { type Readable, Transform } from "node:stream";
import { createGunzip } from "node:zlib";
import { eq } from "drizzle-orm";
import { etlSources } from "../../db/schema";
import type { DatasetSpec } from "../catalog/datasets";
import type { Db } from "../db";
import { EtlError } from "./errors";

export const sampleDir = path.resolve(process.cwd(), "data/sample");

export interface SourceSettings {
  baseUrl: string;
  downloadDir: string;
  localDir?: string;
  timeoutMs: number;
  retries: number;
  /** The largest file a download may be (MAX_DOWNLOAD_BYTES): a longer body fails the table. */
  maxDownloadBytes: number;
}

/** IMDb's own host: a download may be redirected there or to IMDB_BASE_URL's host, over HTTPS only. */
const imdbHost = "datasets.imdbws.com";

/** A file ready to read, or a note that it has not changed since the last successful sync. */
export type SourceFile =
  | {
      kind: "file";
      path: string;
      gzipped: boolean;
      /** From a folder the console names: opened without following links, and read only if a regular file. */
      regularOnly?: boolean;
      bytes: number;
      downloadSeconds: number;
      remember?: () => Promise<void>;
    }
  | { kind: "unchanged"; reason: string };

export type DownloadProgress = (bytesDone: number, bytesTotal: number | undefined) => void;

/** Human-readable form of a source setting, for the command line's first line. */
export function describeSource(source: string, settings: SourceSettings): string {
  if (source === "imdb") return `imdb (${settings.baseUrl})`;
  if (source === "sample") return "sample";
  if (source === "local") return `local (${settings.localDir ?? "IMDB_LOCAL_DIR not set"})`;
  return source;
}

export async function locateFile(
  db: Db,
  source: string,
  spec: DatasetSpec,
  settings: SourceSettings,
  onProgress: DownloadProgress,
  signal?: AbortSignal,
  /** A first build reads the kept copy of a file IMDb reports unchanged, instead of skipping it. */
  skipUnchanged = true,
): Promise<SourceFile> {
  if (source === "imdb") return download(db, spec, settings, onProgress, signal, skipUnchanged);
  if (source === "sample") return findInFolder(sampleDir, spec, true);
  if (source === "local") {
    if (!settings.localDir) throw new EtlError("SOURCE_MISSING", "The local source needs IMDB_LOCAL_DIR to be set.");
    return findInFolder(settings.localDir, spec, true);
  }
  return findInFolder(source, spec, false);
}

/**
 * The file in a folder. The folders a console can name (the sample, IMDB_LOCAL_DIR) give regular files only,
 * resolved inside the folder: no symbolic link out of it, no FIFO or device. A folder given on the command
 * line is the operator's own choice (the tests feed FIFOs through it).
 */
async function findInFolder(folder: string, spec: DatasetSpec, regularOnly: boolean): Promise<SourceFile> {
  const candidates = [spec.file, spec.file.replace(/\.gz$/, "")].map((name) => path.join(folder, name));
  for (const candidate of candidates) {
    if (!existsSync(candidate)) continue;
    let bytes: number;
    if (regularOnly) {
      const fd = openRegularFile(candidate);
      bytes = fstatSync(fd).size;
      closeSync(fd);
    } else {
      bytes = (await stat(candidate)).size;
    }
    const gzipped = candidate.endsWith(".gz");
    return { kind: "file", path: candidate, gzipped, bytes, downloadSeconds: 0, regularOnly };
  }
  throw new EtlError("SOURCE_MISSING", `${spec.file} (or its .tsv) was not found in ${folder}.`);
}

/**
 * Opens a file of a console-named folder: not through a symbolic link (O_NOFOLLOW), without waiting on a FIFO
 * (O_NONBLOCK), and kept only if the open handle is a regular file, so nothing can be swapped in between a check
 * and the read. Returns the descriptor.
 */
export function openRegularFile(file: string): number {
  let fd: number;
  try {
    fd = openSync(file, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why = code === "ELOOP" ? "is a symbolic link" : `cannot be opened (${code})`;
    throw new EtlError("SOURCE_MISSING", `${path.basename(file)} in ${path.dirname(file)} ${why}.`);
  }
  if (!fstatSync(fd).isFile()) {
    closeSync(fd);
    throw new EtlError("SOURCE_MISSING", `${path.basename(file)} in ${path.dirname(file)} is not a regular file.`);
  }
  return fd;
}

/**
 * Read chunks of 64 KB, inflated chunks of 16 KB where every line becomes a row object. Every chunk is a buffer
 * of its own that lives until its rows are handed on; V8 frees it only with the object that holds it. Chunks of
 * 1 MB (read) and 256 KB (inflated) outlived young-generation collections and piled up as dead memory. With the
 * engine's small young generation (engine-memory.ts) a row promoted while in flight keeps its whole inflated
 * chunk, so the inflated chunks are small (figures: docs/benchmark.md, "Figures behind the engine's settings").
 */
export const rowChunks = { read: 64 << 10, inflate: 16 << 10 };

/**
 * The kept-file diff makes rows of the changed titles only, so its chunks can be larger: each chunk costs the
 * stream machinery and zlib's hand-over to its thread some 20–40 µs. 128 KB spends less CPU than 64 KB and no
 * more memory; 256 KB spends a little less CPU and more memory (docs/benchmark.md).
 */
export const diffChunks = { read: 128 << 10, inflate: 128 << 10 };

/** The table's new file, opened as openBytes does, its stored bytes counted as read (the run's progress). */
export function openTableFile(
  job: { file: { path: string; gzipped: boolean; regularOnly?: boolean }; counters: { bytesRead: number } },
  chunks = rowChunks,
): Readable {
  return openBytes(
    job.file,
    (chunk) => {
      job.counters.bytesRead += chunk.length;
    },
    chunks,
  );
}

/**
 * The file's bytes, decompressed when gzipped; a corrupt or truncated .gz errors the stream. `onStoredChunk`
 * sees each chunk as stored (compressed or not): for progress, or to hash the stored bytes.
 */
export function openBytes(
  file: { path: string; gzipped: boolean; regularOnly?: boolean },
  onStoredChunk?: (chunk: Buffer) => void,
  chunks = rowChunks,
): Readable {
  const fd = file.regularOnly ? openRegularFile(file.path) : undefined;
  const raw = createReadStream(file.path, { highWaterMark: chunks.read, fd });
  if (!file.gzipped) {
    if (!onStoredChunk) return raw;
    // Not a 'data' listener on the stream handed out: it would start the flow before the reader iterates,
    // and the chunks that flowed by then would reach the listener only.
    const observed = new Transform({
      transform(chunk: Buffer, _encoding, done) {
        onStoredChunk(chunk);
        done(null, chunk);
      },
    });
    raw.on("error", (error) => observed.destroy(error));
    observed.on("close", () => raw.destroy());
    return raw.pipe(observed);
  }
  // Piped into the inflater, the file flows as fast as it is inflated: a listener beside it only watches.
  if (onStoredChunk) raw.on("data", (chunk) => onStoredChunk(chunk as Buffer));
  const gunzip = createGunzip({ chunkSize: chunks.inflate });
  // Destroying the inflated stream (a read stopped early) closes the file too.
  gunzip.on("close", () => raw.destroy());
  gunzip.on("error", () => raw.destroy());
  raw.on("error", (error) => gunzip.destroy(error));
  return raw.pipe(gunzip);
}

async function download(
  db: Db,
  spec: DatasetSpec,
  settings: SourceSettings,
  onProgress: DownloadProgress,
  signal: AbortSignal | undefined,
  skipUnchanged: boolean,
): Promise<SourceFile> {
  const url = new URL(spec.file, settings.baseUrl.endsWith("/") ? settings.baseUrl : `${settings.baseUrl}/`).toString();
  const target = path.join(settings.downloadDir, spec.file);
  await mkdir(settings.downloadDir, { recursive: true });
  const [previous] = await db.select().from(etlSources).where(eq(etlSources.file, spec.file));
  const haveCopy = existsSync(target);
  const started = Date.now();
  for (let attempt = 0; ; attempt++) {
    try {
      const headers: Record<string, string> = {};
      if (previous && haveCopy && previous.url === url) {
        if (previous.etag) headers["if-none-match"] = previous.etag;
        if (previous.lastModified) headers["if-modified-since"] = previous.lastModified;
      }
      const result = await fetchToFile(url, target, headers, settings, onProgress, signal);
      if (result.status === 304 && skipUnchanged) {
        return { kind: "unchanged", reason: `not modified since the last sync (${url})` };
      }
      if (result.status === 304) {
        const { size } = await stat(target);
        return {
          kind: "file",
          path: target,
          gzipped: true,
          bytes: size,
          downloadSeconds: (Date.now() - started) / 1000,
        };
      }
      const remember = async () => {
        const values = {
          url,
          etag: result.etag,
          lastModified: result.lastModified,
          contentLength: result.bytes,
          syncedAt: new Date(),
        };
        await db
          .insert(etlSources)
          .values({ file: spec.file, ...values })
          .onDuplicateKeyUpdate({ set: values });
      };
      return {
        kind: "file",
        path: target,
        gzipped: true,
        bytes: result.bytes,
        downloadSeconds: (Date.now() - started) / 1000,
        remember,
      };
    } catch (error) {
      if (signal?.aborted) throw error;
      const retryable = error instanceof EtlError ? error.retryable : true;
      if (!retryable || attempt >= settings.retries) {
        if (error instanceof EtlError) throw error;
        throw new EtlError("HTTP_ERROR", `Downloading ${url} failed: ${(error as Error).message}`, true);
      }
      await new Promise((resolve) => setTimeout(resolve, 500 * 2 ** attempt));
    }
  }
}

interface FetchResult {
  status: number;
  bytes: number;
  etag: string | null;
  lastModified: string | null;
}

/**
 * Where a redirect from `from` may lead: HTTPS on IMDb's host or IMDB_BASE_URL's, or the very origin of
 * IMDB_BASE_URL (a plain-HTTP mirror on the local network); never from HTTPS down to HTTP elsewhere.
 */
export function redirectAllowed(target: URL, baseUrl: string): boolean {
  const base = new URL(baseUrl);
  if (target.origin === base.origin) return true;
  return target.protocol === "https:" && (target.hostname === imdbHost || target.hostname === base.hostname);
}

const maxRedirects = 5;

/** GET with redirects followed by hand, each checked with redirectAllowed. */
async function fetchFollowingAllowed(
  url: string,
  init: RequestInit,
  baseUrl: string,
): Promise<{ response: Response; url: string }> {
  let current = url;
  for (let hop = 0; ; hop++) {
    const response = await fetch(current, { ...init, redirect: "manual" });
    const location = response.headers.get("location");
    if (response.status < 300 || response.status >= 400 || response.status === 304 || !location) {
      return { response, url: current };
    }
    await response.body?.cancel();
    const next = new URL(location, current);
    if (!redirectAllowed(next, baseUrl)) {
      throw new EtlError("HTTP_ERROR", `GET ${url} was redirected to ${next.origin}, which is not allowed.`, false);
    }
    if (hop >= maxRedirects)
      throw new EtlError("HTTP_ERROR", `GET ${url}: more than ${maxRedirects} redirects.`, false);
    current = next.toString();
  }
}

/**
 * GETs url into target via a .part file; the file is renamed into place only once complete. A body cut
 * short (fewer bytes than Content-Length, or a dropped connection) is a DOWNLOAD_TRUNCATED error; a body over
 * maxDownloadBytes is refused (at its Content-Length, or once that many bytes arrived); an abort of `signal`
 * (a cancelled run) stops the transfer at once and rethrows the signal's reason.
 */
async function fetchToFile(
  url: string,
  target: string,
  headers: Record<string, string>,
  settings: Pick<SourceSettings, "timeoutMs" | "maxDownloadBytes" | "baseUrl">,
  onProgress: DownloadProgress,
  signal?: AbortSignal,
): Promise<FetchResult> {
  const idleTimeoutMs = settings.timeoutMs;
  const tooLarge = () =>
    new EtlError(
      "HTTP_ERROR",
      `GET ${url} is larger than MAX_DOWNLOAD_BYTES (${settings.maxDownloadBytes} bytes): refused.`,
      false,
    );
  signal?.throwIfAborted();
  const controller = new AbortController();
  const onAbort = () => controller.abort();
  signal?.addEventListener("abort", onAbort, { once: true });
  let timer = setTimeout(() => controller.abort(), idleTimeoutMs);
  const resetTimer = () => {
    clearTimeout(timer);
    timer = setTimeout(() => controller.abort(), idleTimeoutMs);
  };
  const partial = `${target}.part`;
  try {
    const { response } = await fetchFollowingAllowed(url, { headers, signal: controller.signal }, settings.baseUrl);
    if (response.status === 304) return { status: 304, bytes: 0, etag: null, lastModified: null };
    if (!response.ok || !response.body) {
      const retryable = response.status >= 500 || response.status === 429;
      throw new EtlError("HTTP_ERROR", `GET ${url} answered ${response.status} ${response.statusText}`, retryable);
    }
    const expected = Number(response.headers.get("content-length") ?? Number.NaN);
    const total = Number.isFinite(expected) ? expected : undefined;
    if (total !== undefined && total > settings.maxDownloadBytes) {
      await response.body.cancel();
      throw tooLarge();
    }
    const out = await open(partial, "w");
    let bytes = 0;
    const truncated = (why: string) =>
      new EtlError(
        "DOWNLOAD_TRUNCATED",
        `GET ${url} ended after ${bytes}${total === undefined ? "" : ` of ${total}`} bytes (${why})`,
        true,
      );
    try {
      for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
        resetTimer();
        if (bytes + chunk.length > settings.maxDownloadBytes) {
          controller.abort();
          throw tooLarge();
        }
        await out.write(chunk);
        bytes += chunk.length;
        onProgress(bytes, total);
      }
    } catch (error) {
      if (controller.signal.aborted || error instanceof EtlError) throw error;
      const cause = (error as Error & { cause?: unknown }).cause;
      const detail = cause instanceof Error ? cause.message : (error as Error).message;
      throw truncated(`the connection closed: ${detail}`);
    } finally {
      await out.close();
    }
    if (total !== undefined && bytes !== total) throw truncated("the body is shorter than its Content-Length");
    await rename(partial, target);
    return {
      status: response.status,
      bytes,
      etag: response.headers.get("etag"),
      lastModified: response.headers.get("last-modified"),
    };
  } catch (error) {
    await rm(partial, { force: true });
    if (signal?.aborted) throw signal.reason;
    if (controller.signal.aborted && !(error instanceof EtlError)) {
      throw new EtlError("HTTP_ERROR", `GET ${url} stalled for ${idleTimeoutMs} ms`, true);
    }
    throw error;
  } finally {
    clearTimeout(timer);
    signal?.removeEventListener("abort", onAbort);
  }
}
