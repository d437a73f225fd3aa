import { cookieAttributes, endSession, isHttps, sessionCookieName, sessionToken } from "@/lib/auth";

/** Ends the session on the server (not only in the browser) and sends the visitor to the login page. */
export async function POST(request: Request) {
  await endSession(sessionToken(request.headers.get("cookie")));
  const secure = isHttps(request);
  const headers = new Headers({ location: "/login" });
  headers.append("set-cookie", `${sessionCookieName(secure)}=; ${cookieAttributes(secure, 0)}`);
  return new Response(null, { status: 303, headers });
}
