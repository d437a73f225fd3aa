/** Errors that stop a file or a run carry a stable code, and whether trying again can help. */
export type EtlErrorCode =
  | "BAD_HEADER"
  | "BAD_GZIP"
  | "SOURCE_MISSING"
  | "HTTP_ERROR"
  | "DOWNLOAD_TRUNCATED"
  | "TOO_MANY_REJECTS"
  | "CANCELLED"
  | "SUPERSEDED"
  /** A verify or a repair compares in key order only: a file not sorted by its key fails there. */
  | "UNSORTED";

export class EtlError extends Error {
  constructor(
    readonly code: EtlErrorCode,
    message: string,
    readonly retryable = false,
  ) {
    super(message);
    this.name = "EtlError";
  }
}
