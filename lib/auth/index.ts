/**
 * Who may use the console. People log in with ADMIN_PASSWORD and get a session: a random token in an
 * HttpOnly, SameSite=Strict cookie, stored on the server (only its SHA-256) with an absolute lifetime and an
 * idle timeout, ended by logging out or by a new password. Scripts send `Authorization: Bearer $ADMIN_TOKEN`.
 * With neither variable set, auth is off (the local default) and the console answers loopback names only.
 * Used by the proxy (every request) and where data is read (defence in depth).
 */
import { createHash, createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { and, eq, gt, lt } from "drizzle-orm";
import { consoleSessions } from "@/db/schema";
import { type Db, getDb } from "@/lib/db";
import { env } from "@/lib/env";

/** A session ends this long after it began, whatever happens. */
export const sessionSeconds = 7 * 24 * 3600;
/** … or this long after its last request. */
export const idleSeconds = 12 * 3600;

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

export function bearerIsValid(header: string | null): boolean {
  if (!env.ADMIN_TOKEN || !header?.startsWith("Bearer ")) return false;
  return sameSecret(header.slice("Bearer ".length).trim(), env.ADMIN_TOKEN);
}

let secret: string | undefined;

/** SESSION_SECRET, or a random one generated once into DATA_DIR (mode 0600) and kept across restarts. */
function sessionSecret(): string {
  if (!secret) secret = env.SESSION_SECRET ?? secretFromDataDir();
  return secret;
}

function secretFromDataDir(): string {
  const file = path.resolve(env.DATA_DIR, "session-secret");
  if (!existsSync(file)) {
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, randomBytes(32).toString("hex"), { mode: 0o600, flag: "wx" });
  }
  return readFileSync(file, "utf8").trim();
}

/** Which password a session was opened with, without storing anything a password search could use. */
function credential(): Buffer {
  return createHmac("sha256", sessionSecret())
    .update(`login:${loginSecret() ?? ""}`)
    .digest();
}

const tokenHash = (token: string) => createHash("sha256").update(token).digest();

/** The cookie: `__Host-` prefixed (Secure, no Domain, Path=/) behind HTTPS; plain on http://localhost. */
export function sessionCookieName(secure: boolean): string {
  return secure ? "__Host-imdb_session" : "imdb_session";
}

/** The Set-Cookie value for the session token (an empty token with maxAge 0 deletes the cookie). */
export function sessionSetCookie(secure: boolean, token: string, maxAge: number): string {
  const attributes = `Path=/; HttpOnly; SameSite=Strict; Max-Age=${maxAge}${secure ? "; Secure" : ""}`;
  return `${sessionCookieName(secure)}=${token}; ${attributes}`;
}

/**
 * The session token from a request's Cookie header, under the one name its scheme allows: behind HTTPS only the
 * `__Host-` cookie (which no other site or plain-HTTP page can set), on plain HTTP only the plain one.
 */
export function sessionToken(headers: Headers): string | undefined {
  const wanted = sessionCookieName(headersSayHttps(headers));
  for (const part of headers.get("cookie")?.split(";") ?? []) {
    const [name, ...value] = part.trim().split("=");
    if (name === wanted) return value.join("=");
  }
  return undefined;
}

/**
 * Whether a request came over HTTPS. The console's server (scripts/serve.ts) keeps X-Forwarded-Proto only from a
 * trusted proxy; Next then sets it from the socket.
 */
function headersSayHttps(headers: Headers): boolean {
  return headers.get("x-forwarded-proto") === "https";
}

export function isHttps(request: Request): boolean {
  return new URL(request.url).protocol === "https:" || headersSayHttps(request.headers);
}

/** Opens a session; returns the token for the cookie. Expired sessions are swept on the way. */
export async function createSession(db: Db = getDb(), now = new Date()): Promise<string> {
  await db.delete(consoleSessions).where(lt(consoleSessions.expiresAt, now));
  const token = randomBytes(32).toString("base64url");
  await db.insert(consoleSessions).values({
    tokenHash: tokenHash(token),
    credential: credential(),
    createdAt: now,
    lastSeenAt: now,
    expiresAt: new Date(now.getTime() + sessionSeconds * 1000),
  });
  return token;
}

/** A live session: not expired, not idle too long, opened with today's password. Touches it at most once a minute. */
export async function sessionIsValid(token: string | undefined, db: Db = getDb(), now = new Date()): Promise<boolean> {
  if (!token || token.length > 100) return false;
  const hash = tokenHash(token);
  const idleSince = new Date(now.getTime() - idleSeconds * 1000);
  const [session] = await db
    .select()
    .from(consoleSessions)
    .where(
      and(
        eq(consoleSessions.tokenHash, hash),
        gt(consoleSessions.expiresAt, now),
        gt(consoleSessions.lastSeenAt, idleSince),
      ),
    );
  if (!session || !timingSafeEqual(session.credential, credential())) return false;
  if (now.getTime() - session.lastSeenAt.getTime() > 60_000) {
    await db.update(consoleSessions).set({ lastSeenAt: now }).where(eq(consoleSessions.tokenHash, hash));
  }
  return true;
}

export async function endSession(token: string | undefined, db: Db = getDb()): Promise<void> {
  if (token) await db.delete(consoleSessions).where(eq(consoleSessions.tokenHash, tokenHash(token)));
}

/** A request is allowed with auth off, a valid bearer token, or a live session cookie. */
export async function requestIsAuthorized(request: Request): Promise<boolean> {
  if (!authEnabled()) return true;
  if (bearerIsValid(request.headers.get("authorization"))) return true;
  return sessionIsValid(sessionToken(request.headers));
}

/**
 * Whom a request counts against for per-client limits (progress streams): its session, the bearer token, or, with
 * auth off, its address. Never a header a client can vary freely.
 */
export function requester(request: Request, address: string): string {
  const token = sessionToken(request.headers);
  if (token) return `session:${tokenHash(token).toString("hex").slice(0, 16)}`;
  if (bearerIsValid(request.headers.get("authorization"))) return "token";
  return `address:${address}`;
}
