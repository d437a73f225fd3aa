/**
 * The kept file: a copy of the file a table was last synced from exactly, so that the next incremental run
 * can diff the new file against it instead of reading the whole table back. It lives in
 * `<keptDir>/<database>/` (one folder per mirror) and is only trusted together with the table's fingerprint
 * (fingerprint.ts): the fingerprint is cleared before a sync may change the table and written after the kept
 * file, so a kept file whose bytes match the stored fingerprint is the file the table equals. The cursor
 * checks those bytes while it reads them; anything amiss (missing, unsorted, other bytes) sends the run back
 * to the table scan.
 */
import { createReadStream } from "node:fs";
import { copyFile, link, mkdir, rename, rm, stat } from "node:fs/promises";
import path from "node:path";
import type { Readable } from "node:stream";
import { createGunzip } from "node:zlib";
import xxhash from "xxhash-wasm";
import type { DatasetSpec } from "./datasets";
import type { LineHasher } from "./hash";
import type { KeyCursor } from "./merge";
import { inflateChunkBytes, readChunkBytes } from "./source";
import { LineSplitter, lineKeyReader, noKey } from "./tsv";

export interface KeptFile {
  path: string;
  gzipped: boolean;
  /** The fingerprint (`<bytes>:<xxh64>`) the table's last exact sync stored: the kept bytes must match it. */
  fingerprint: string;
}

/** Why the kept file cannot be used after all; the run then compares with the table. */
export class KeptFileUnusable extends Error {}

/** A mirror's folder of kept files: one per server and database, so two mirrors never share one. */
export function keptFolder(keptDir: string, databaseUrl: string): string {
  const url = new URL(databaseUrl);
  const name = `${url.hostname}-${url.port || "3306"}-${url.pathname.replace(/^\//, "")}`;
  return path.join(keptDir, name.replace(/[^A-Za-z0-9._-]/g, "_"));
}

function keptPaths(folder: string, spec: DatasetSpec): { gz: string; plain: string } {
  return { gz: path.join(folder, spec.file), plain: path.join(folder, spec.file.replace(/\.gz$/, "")) };
}

/** The kept file of a table, if there is one whose size matches the fingerprint; undefined otherwise. */
export async function findKeptFile(folder: string, spec: DatasetSpec, fingerprint: string | undefined) {
  if (!fingerprint) return undefined;
  const bytes = Number(fingerprint.split(":")[0]);
  const { gz, plain } = keptPaths(folder, spec);
  for (const [candidate, gzipped] of [
    [gz, true],
    [plain, false],
  ] as const) {
    const info = await stat(candidate).catch(() => undefined);
    if (info?.isFile() && info.size === bytes) return { path: candidate, gzipped, fingerprint } satisfies KeptFile;
  }
  return undefined;
}

/**
 * Keeps `file` as the table's kept file. A download is hard-linked (the next download replaces its path by a
 * rename, never in place); any other file is copied, since its owner may rewrite it in place. Written under a
 * temporary name and renamed, so a crash never leaves half a file under the kept name.
 */
export async function keepFile(
  folder: string,
  spec: DatasetSpec,
  file: { path: string; gzipped: boolean },
  linkable: boolean,
) {
  await mkdir(folder, { recursive: true });
  const { gz, plain } = keptPaths(folder, spec);
  const target = file.gzipped ? gz : plain;
  const temporary = `${target}.tmp`;
  await rm(temporary, { force: true });
  const linked =
    linkable &&
    (await link(file.path, temporary).then(
      () => true,
      () => false,
    ));
  if (!linked) await copyFile(file.path, temporary);
  await rename(temporary, target);
  await rm(file.gzipped ? plain : gz, { force: true });
}

/**
 * The kept file's (key, row_hash) rows in key order, as the merge reads the table's: the same KeyCursor.
 * The lines are trusted (the table took every one of them), so only the key, the ordering and the hash are
 * read. Rows of one id are held back until the id ends, so that a repeated key keeps its last row, as the
 * table did. The compressed bytes are hashed on the way: `verify()` at the end tells whether they were the
 * fingerprinted ones.
 */
export class KeptFileCursor implements KeyCursor {
  private queue: number[] = [];
  private hashes: bigint[] = [];
  private rows: number[] = [];
  private rowHashes: bigint[] = [];
  private index = 0;
  private ended = false;
  private failure: Error | undefined;
  private wake: (() => void) | undefined;
  private readonly raw: Readable;
  private readonly input: Readable;
  private bytes = 0;
  private digest: string | undefined;
  /** The current id's rows, not yet released: their orderings and hashes side by side (no object per row). */
  private readonly groupOrderings: number[] = [];
  private readonly groupHashes: bigint[] = [];
  private groupId = -1;
  seen = 0;

  private constructor(
    private readonly kept: KeptFile,
    spec: DatasetSpec,
    hash: LineHasher,
    private readonly hasher: ReturnType<Awaited<ReturnType<typeof xxhash>>["create64"]>,
    private readonly batchSize = 4096,
  ) {
    const readKey = lineKeyReader(spec);
    const key = noKey();
    this.raw = createReadStream(kept.path, { highWaterMark: readChunkBytes });
    this.raw.on("data", (chunk: Buffer) => {
      this.bytes += chunk.length;
      this.hasher.update(chunk);
    });
    this.raw.on("end", () => {
      this.digest = `${this.bytes}:${this.hasher.digest().toString(16).padStart(16, "0")}`;
    });
    this.input = kept.gzipped ? this.raw.pipe(createGunzip({ chunkSize: inflateChunkBytes })) : this.raw;
    if (kept.gzipped) this.raw.on("error", (error) => this.input.destroy(error));
    const splitter = new LineSplitter((buf, start, end, lineNumber) => {
      if (lineNumber === 1) return;
      if (!readKey(buf, start, end, key)) throw new KeptFileUnusable(`line ${lineNumber} of the kept file has no key`);
      if (key.id !== this.groupId) {
        if (key.id < this.groupId) throw new KeptFileUnusable("the kept file is not sorted by its key");
        this.releaseGroup();
        this.groupId = key.id;
      }
      const rowHash = hash(buf.subarray(start, end));
      const twin = this.groupOrderings.indexOf(key.ordering);
      if (twin >= 0) {
        this.groupHashes[twin] = rowHash;
      } else {
        this.groupOrderings.push(key.ordering);
        this.groupHashes.push(rowHash);
      }
    });
    this.input.on("data", (chunk: Buffer) => {
      try {
        splitter.push(chunk);
      } catch (error) {
        this.fail(error as Error);
        return;
      }
      if (this.queue.length >= this.batchSize * 2) this.input.pause();
      this.signal();
    });
    this.input.on("end", () => {
      try {
        splitter.finish();
        this.releaseGroup();
      } catch (error) {
        this.fail(error as Error);
        return;
      }
      this.ended = true;
      this.signal();
    });
    this.input.on("error", (error: Error) =>
      this.fail(new KeptFileUnusable(`the kept file cannot be read: ${error.message}`)),
    );
  }

  static async open(kept: KeptFile, spec: DatasetSpec, hash: LineHasher): Promise<KeptFileCursor> {
    return new KeptFileCursor(kept, spec, hash, (await xxhash()).create64());
  }

  private releaseGroup(): void {
    for (let i = 0; i < this.groupOrderings.length; i++) {
      this.queue.push(this.groupId, this.groupOrderings[i] as number);
      this.hashes.push(this.groupHashes[i] as bigint);
    }
    this.groupOrderings.length = 0;
    this.groupHashes.length = 0;
  }

  private fail(error: Error): void {
    this.failure ??= error;
    this.raw.destroy();
    this.signal();
  }

  private signal(): void {
    const wake = this.wake;
    this.wake = undefined;
    wake?.();
  }

  get ready(): boolean {
    return this.index < this.rowHashes.length;
  }

  async fill(): Promise<boolean> {
    while (this.hashes.length === 0 && !this.ended && !this.failure) {
      if (this.input.isPaused()) this.input.resume();
      await new Promise<void>((resolve) => {
        this.wake = resolve;
      });
    }
    if (this.failure) throw this.failure;
    this.rows = this.queue;
    this.rowHashes = this.hashes;
    this.index = 0;
    this.queue = [];
    this.hashes = [];
    if (!this.ended && this.input.isPaused()) this.input.resume();
    return this.rowHashes.length > 0;
  }

  get id(): number {
    return this.rows[this.index * 2] as number;
  }

  get ordering(): number {
    return this.rows[this.index * 2 + 1] as number;
  }

  get hash(): bigint {
    return this.rowHashes[this.index] as bigint;
  }

  next(): void {
    this.index++;
    this.seen++;
  }

  /**
   * After the merge has read every row: throws KeptFileUnusable unless the bytes read were the fingerprinted
   * ones (a kept file replaced or damaged since, which the table does not equal).
   */
  verify(): void {
    if (this.digest !== this.kept.fingerprint) {
      throw new KeptFileUnusable("the kept file's bytes are not those of the table's last exact sync");
    }
  }

  close(): void {
    this.raw.destroy();
    this.input.destroy();
  }
}
