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

export const maxBodyBytes = 16 * 1024;

/** The client's address as Next's server reports it: for throttling, stream limits and the log, never for access. */
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
