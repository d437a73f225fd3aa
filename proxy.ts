/**
 * The one guard in front of every page and route (static assets aside): loopback Host names only while auth
 * is off, no state change from another site, JSON bodies of bounded size for the API, a live session or
 * bearer token for everything but the public paths, and the Content-Security-Policy with a fresh nonce.
 */
import { type NextRequest, NextResponse } from "next/server";
import { apiError, unauthorized } from "@/lib/api/errors";
import { authEnabled, requestIsAuthorized } from "@/lib/auth";
import {
  bodyLimit,
  bodyWithin,
  contentSecurityPolicy,
  crossSiteReason,
  isJson,
  isLoopbackHost,
  isPublicPath,
  isStateChanging,
} from "@/lib/auth/guard";

export async function proxy(request: NextRequest) {
  const { pathname } = request.nextUrl;
  const { method, headers } = request;
  const isApi = pathname.startsWith("/api/");
  if (!authEnabled() && !isLoopbackHost(headers.get("host"))) {
    return apiError("FORBIDDEN", "With no ADMIN_PASSWORD or ADMIN_TOKEN set, the console answers loopback names only.");
  }
  if (isStateChanging(method)) {
    const crossSite = crossSiteReason(headers);
    if (crossSite) return apiError("FORBIDDEN", `Refused: a state change from another site (${crossSite}).`);
    if (isApi && !isJson(headers.get("content-type"))) {
      return apiError("UNSUPPORTED_MEDIA_TYPE", "The API takes application/json bodies only.");
    }
    const limit = bodyLimit(pathname);
    if (Number(headers.get("content-length") ?? 0) > limit || !(await bodyWithin(request.body, limit))) {
      return apiError("TOO_LARGE", `Request bodies here are limited to ${limit} bytes.`);
    }
  }
  if (!isPublicPath(pathname, method) && !(await requestIsAuthorized(request))) {
    if (isApi) return unauthorized();
    return NextResponse.redirect(new URL("/login", request.url), 303);
  }
  const nonce = Buffer.from(crypto.getRandomValues(new Uint8Array(16))).toString("base64");
  const csp = contentSecurityPolicy(nonce, process.env.NODE_ENV === "development");
  const forwarded = new Headers(headers);
  forwarded.set("content-security-policy", csp);
  forwarded.set("x-nonce", nonce);
  const response = NextResponse.next({ request: { headers: forwarded } });
  response.headers.set("content-security-policy", csp);
  return response;
}

export const config = {
  matcher: ["/((?!_next/static|_next/image|icon.svg|favicon.ico).*)"],
};
