import { endSession, isHttps, sessionSetCookie, sessionToken } from "@/lib/auth";

/** Ends the session on the server (not only in the browser) and sends the visitor to the login page. */
export async function POST(request: Request) {
  await endSession(sessionToken(request.headers));
  const headers = { location: "/login", "set-cookie": sessionSetCookie(isHttps(request), "", 0) };
  return new Response(null, { status: 303, headers });
}
