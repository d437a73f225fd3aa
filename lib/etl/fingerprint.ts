/**
 * Whether a file is byte for byte the one a table was last synced from exactly: a fingerprint of the file as
 * it is stored (compressed or not), kept in `etl_table_files`. The protocol keeps it honest: the fingerprint is
 * cleared before a sync may change the table and written only after one that left the table equal to the
 * file (no rejected line, no withheld delete), so a matching fingerprint means a diff would find nothing.
 */
import { open, stat } from "node:fs/promises";
import { eq } from "drizzle-orm";
import xxhash from "xxhash-wasm";
import { etlTableFiles } from "../../db/schema";
import type { TableName } from "../catalog/datasets";
import type { Db } from "../db";
import { hashHex } from "./hash";

/**
 * `<bytes>:<XXH64 hex>` of the file, read once (about a second per GB); undefined for anything but a regular
 * file (a FIFO cannot be read twice), which is then always diffed. The file is read into one reused 1 MB buffer:
 * a stream's new buffer per chunk left hundreds of megabytes of dead chunks for the garbage collector to find.
 */
export async function fileFingerprint(path: string, signal?: AbortSignal): Promise<string | undefined> {
  if (!(await stat(path)).isFile()) return undefined;
  const hasher = (await xxhash()).create64();
  const chunk = Buffer.allocUnsafe(1 << 20);
  let bytes = 0;
  const file = await open(path);
  try {
    for (;;) {
      signal?.throwIfAborted();
      const { bytesRead } = await file.read(chunk, 0, chunk.length, null);
      if (bytesRead === 0) break;
      hasher.update(chunk.subarray(0, bytesRead));
      bytes += bytesRead;
    }
  } finally {
    await file.close();
  }
  return fingerprintText(bytes, hasher.digest());
}

/** The stored form of a fingerprint: `<bytes>:<XXH64 as 16 hex digits>`. */
export function fingerprintText(bytes: number, digest: bigint): string {
  return `${bytes}:${hashHex(digest)}`;
}

/** The fingerprint of the file the table was last synced from exactly, and whether that file was in key order. */
export interface KnownFile {
  fingerprint: string;
  inKeyOrder: boolean;
}

export async function knownFile(db: Db, table: TableName): Promise<KnownFile | undefined> {
  const [row] = await db.select().from(etlTableFiles).where(eq(etlTableFiles.tableName, table));
  return row && { fingerprint: row.fingerprint, inKeyOrder: row.inKeyOrder };
}

export async function forgetFingerprint(db: Db, table: TableName): Promise<void> {
  await db.delete(etlTableFiles).where(eq(etlTableFiles.tableName, table));
}

export async function rememberFingerprint(db: Db, table: TableName, file: KnownFile, runId: number) {
  const row = { tableName: table, ...file, runId, syncedAt: new Date() };
  await db
    .insert(etlTableFiles)
    .values(row)
    .onDuplicateKeyUpdate({ set: { ...file, runId, syncedAt: row.syncedAt } });
}
