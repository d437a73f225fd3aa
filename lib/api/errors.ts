/** One error shape for every route (`{ code, message, details? }`), and the one mapping of engine errors to it. */
import type { z } from "zod";
import { ReplaceNotConfirmedError, SyncBusyError } from "@/lib/runs/errors";
import type { ApiErrorBody, ApiErrorCode } from "./contract";

const statusOf: Record<ApiErrorCode, number> = {
  BAD_REQUEST: 400,
  UNAUTHORIZED: 401,
  NOT_FOUND: 404,
  SYNC_BUSY: 409,
  NOT_ACTIVE: 409,
  CONFIRM_REPLACE: 428,
  THROTTLED: 429,
  FORBIDDEN: 403,
  UNSUPPORTED_MEDIA_TYPE: 415,
  TOO_LARGE: 413,
  TOO_MANY_STREAMS: 429,
  METHOD_NOT_ALLOWED: 405,
};

export function apiError(code: ApiErrorCode, message: string, details?: unknown, headers?: HeadersInit): Response {
  const body: ApiErrorBody = details === undefined ? { code, message } : { code, message, details };
  return Response.json(body, { status: statusOf[code], headers });
}

export function badRequest(error: z.ZodError): Response {
  const message = error.issues.map((i) => `${i.path.join(".") || "body"}: ${i.message}`).join("; ");
  return apiError("BAD_REQUEST", message, error.issues);
}

export const notFound = (message: string) => apiError("NOT_FOUND", message);

export const unauthorized = () =>
  apiError("UNAUTHORIZED", "Unauthorized: log in, or send Authorization: Bearer <ADMIN_TOKEN>.", undefined, {
    "www-authenticate": 'Bearer realm="imdb-sync-console"',
  });

/** The answer for an error the engine or run control throws on purpose; anything else is rethrown (a 500). */
export function errorResponse(error: unknown): Response {
  if (error instanceof SyncBusyError) return apiError("SYNC_BUSY", error.message, { runId: error.runId });
  if (error instanceof ReplaceNotConfirmedError) {
    return apiError("CONFIRM_REPLACE", error.message, { tables: error.tables });
  }
  throw error;
}
