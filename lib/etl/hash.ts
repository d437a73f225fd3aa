/**
 * row_hash: XXH64 (seed 0) of a row's raw line bytes, stored as 8 big-endian bytes.
 * Hashes slices of the read buffer directly (h64Raw): encoding rows to strings first is ~15× slower.
 */
import xxhash from "xxhash-wasm";

export type LineHasher = (bytes: Uint8Array) => bigint;

let hasher: Promise<LineHasher> | undefined;

/** The shared XXH64 function, ready once the WebAssembly module has loaded. */
export function lineHasher(): Promise<LineHasher> {
  hasher ??= xxhash().then(
    ({ h64Raw }) =>
      (bytes: Uint8Array) =>
        h64Raw(bytes, 0n),
  );
  return hasher;
}

/** The stored form of a hash: 16 hex digits, big-endian (what UNHEX() turns into BINARY(8)). */
export function hashHex(hash: bigint): string {
  return hash.toString(16).padStart(16, "0");
}
