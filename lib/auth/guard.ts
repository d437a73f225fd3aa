/**
 * The checks the proxy makes before any page or route runs: which paths are public, which Host names are
 * served with auth off (loopback only: no DNS rebinding), and which state-changing requests come from
 * another site (refused), with the Content-Security-Policy every page is served with.
 */

/** Reachable without a session: the login page and its API, the health check (static assets never reach the proxy). */
export function isPublicPath(pathname: string, method: string): boolean {
  if (pathname === "/login") return true;
  if (pathname === "/api/health") return method === "GET" || method === "HEAD";
  return pathname === "/api/session" && method === "POST";
}

/** With auth off only loopback names are served, so a rebinding DNS name cannot reach 127.0.0.1. */
export function isLoopbackHost(host: string | null): boolean {
  if (!host) return false;
  const name = host.startsWith("[") ? host.slice(0, host.indexOf("]") + 1) : host.replace(/:\d+$/, "");
  return name === "localhost" || name === "127.0.0.1" || name === "[::1]";
}

export const isStateChanging = (method: string) => !["GET", "HEAD", "OPTIONS"].includes(method);

/** Why a state-changing request is refused as cross-site, or undefined when it comes from this site. */
export function crossSiteReason(headers: Headers): string | undefined {
  const fetchSite = headers.get("sec-fetch-site");
  if (fetchSite && fetchSite !== "same-origin" && fetchSite !== "none") return `Sec-Fetch-Site: ${fetchSite}`;
  const origin = headers.get("origin");
  if (origin === null) return undefined;
  try {
    if (new URL(origin).host === headers.get("host")) return undefined;
  } catch {
    // "null" or garbage: not this site
  }
  return `Origin: ${origin}`;
}

/** The API takes JSON bodies only, so no HTML form on another site can post to it. */
export function isJson(contentType: string | null): boolean {
  return /^application\/json\s*(;|$)/i.test(contentType ?? "");
}

/** The largest request body the API takes; the login takes less (it holds one password). */
export const maxBodyBytes = 16 * 1024;
export const maxLoginBodyBytes = 4 * 1024;

export function bodyLimit(pathname: string): number {
  return pathname === "/api/session" ? maxLoginBodyBytes : maxBodyBytes;
}

/** The methods any page or route answers; anything else (TRACE, CONNECT, PROPFIND …) is refused with 405. */
export const knownMethods = ["GET", "HEAD", "OPTIONS", "POST", "PUT", "PATCH", "DELETE"];

/**
 * Whether a body stays within `limit` bytes, read as it arrives (a chunked body has no Content-Length to trust),
 * stopping at the first byte past the limit: nothing is kept and nothing parsed.
 */
export async function bodyWithin(body: ReadableStream<Uint8Array> | null, limit: number): Promise<boolean> {
  if (!body) return true;
  const reader = body.getReader();
  let bytes = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return true;
    bytes += value.byteLength;
    if (bytes > limit) {
      await reader.cancel().catch(() => {});
      return false;
    }
  }
}

/**
 * The client's address: the socket's peer, or the client a trusted proxy named, as the console's server put it in
 * X-Forwarded-For (lib/auth/forwarded.ts). For throttling and the log, never for access.
 */
export function clientAddress(request: Request): string {
  return request.headers.get("x-forwarded-for")?.split(",")[0]?.trim() || "unknown";
}

/** Scripts only from this site or with this response's nonce; nothing may frame the console. */
export function contentSecurityPolicy(nonce: string, dev: boolean): string {
  return [
    "default-src 'self'",
    `script-src 'self' 'nonce-${nonce}' 'strict-dynamic'${dev ? " 'unsafe-eval'" : ""}`,
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data:",
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join("; ");
}
