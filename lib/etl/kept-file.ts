/**
 * The kept file: a copy of the file a table was last synced from exactly, so that the next incremental run
 * can diff the new file against it instead of reading the whole table back. It lives in
 * `<keptDir>/<database>/` (one folder per mirror) and is only trusted together with the table's fingerprint
 * (fingerprint.ts): the fingerprint is cleared before a sync may change the table and written after the kept
 * file, so a kept file whose bytes match the stored fingerprint is the file the table equals. The diff
 * (kept-diff.ts) checks those bytes while it reads them; anything amiss (missing, unsorted, other bytes)
 * sends the run back to the table scan. This file keeps and finds the copies.
 */
import { copyFile, link, mkdir, rename, rm, stat } from "node:fs/promises";
import path from "node:path";
import type { DatasetSpec } from "../catalog/datasets";
import type { KnownFile } from "./fingerprint";

export interface KeptFile extends KnownFile {
  path: string;
  gzipped: boolean;
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

/**
 * The kept file of a table, if there is one whose size matches the fingerprint (`<bytes>:<xxh64>`, which its
 * bytes must match) that the table's last exact sync stored; undefined otherwise.
 */
export async function findKeptFile(folder: string, spec: DatasetSpec, known: KnownFile | undefined) {
  if (!known) return undefined;
  const bytes = Number(known.fingerprint.split(":")[0]);
  const { gz, plain } = keptPaths(folder, spec);
  for (const [candidate, gzipped] of [
    [gz, true],
    [plain, false],
  ] as const) {
    const info = await stat(candidate).catch(() => undefined);
    if (info?.isFile() && info.size === bytes) return { path: candidate, gzipped, ...known } satisfies KeptFile;
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
