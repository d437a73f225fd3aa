/**
 * Who may use the console. People log in with ADMIN_PASSWORD and get a signed session cookie (an expiry
 * and its HMAC-SHA256, keyed by the password, so changing the password ends every session); scripts send
 * `Authorization: Bearer $ADMIN_TOKEN`. With neither variable set, auth is off (the local default).
 */
import "server-only";
import { createHash, createHmac, timingSafeEqual } from "node:crypto";
import { env } from "../env";

export const sessionCookie = "imdb_session";
export const sessionSeconds = 7 * 24 * 3600;

export function authEnabled(): boolean {
  return Boolean(env.ADMIN_PASSWORD || env.ADMIN_TOKEN);
}

/** Compares secrets in constant time (digests first, so lengths do not leak). */
function sameSecret(given: string, expected: string): boolean {
  const digest = (value: string) => createHash("sha256").update(value).digest();
  return timingSafeEqual(digest(given), digest(expected));
}

/** The secret a person types on the login page: ADMIN_PASSWORD, or ADMIN_TOKEN when no password is set. */
function loginSecret(): string | undefined {
  return env.ADMIN_PASSWORD ?? env.ADMIN_TOKEN;
}

export function passwordMatches(password: string): boolean {
  const secret = loginSecret();
  return secret !== undefined && sameSecret(password, secret);
}

function signature(expires: number): string {
  return createHmac("sha256", `imdb-sync-console:${loginSecret() ?? ""}`)
    .update(String(expires))
    .digest("base64url");
}

/** A cookie value valid for sessionSeconds: `<expiry ms>.<signature>`. */
export function newSessionValue(now = Date.now()): string {
  const expires = now + sessionSeconds * 1000;
  return `${expires}.${signature(expires)}`;
}

export function sessionIsValid(value: string | undefined, now = Date.now()): boolean {
  if (!value) return false;
  const [expiresText, given] = value.split(".");
  const expires = Number(expiresText);
  if (!given || !Number.isSafeInteger(expires) || expires < now) return false;
  return sameSecret(given, signature(expires));
}

export function bearerIsValid(header: string | null): boolean {
  if (!env.ADMIN_TOKEN || !header?.startsWith("Bearer ")) return false;
  return sameSecret(header.slice("Bearer ".length).trim(), env.ADMIN_TOKEN);
}

/** An API request is allowed with auth off, a valid bearer token, or a valid session cookie. */
export function requestIsAuthorized(request: Request): boolean {
  if (!authEnabled()) return true;
  if (bearerIsValid(request.headers.get("authorization"))) return true;
  const cookie = request.headers
    .get("cookie")
    ?.split(";")
    .map((part) => part.trim())
    .find((part) => part.startsWith(`${sessionCookie}=`));
  return sessionIsValid(cookie?.slice(sessionCookie.length + 1));
}
