import { z } from "zod";
import { apiError, badRequest } from "@/lib/api/errors";
import { createSession, isHttps, passwordMatches, sessionSeconds, sessionSetCookie } from "@/lib/auth";
import { clientAddress } from "@/lib/auth/guard";
import { loginThrottle } from "@/lib/auth/throttle";
import { logger } from "@/lib/log";

export const dynamic = "force-dynamic";

const loginSchema = z.object({ password: z.string().min(1).max(1000) });

/**
 * Log in: `{ password }` → 204 with the session cookie; 401 for a wrong password, 400 for a malformed body (both
 * count as a failed login); 429 while this address is throttled. The proxy has already capped the body (4 KB).
 */
export async function POST(request: Request) {
  const address = clientAddress(request);
  const slowdown = loginThrottle.slowdownMs();
  if (slowdown > 0) await new Promise((resolve) => setTimeout(resolve, slowdown));
  const wait = loginThrottle.waitMs(address);
  if (wait > 0) {
    const seconds = Math.ceil(wait / 1000);
    return apiError("THROTTLED", `Too many wrong passwords: try again in ${seconds} s.`, undefined, {
      "retry-after": String(seconds),
    });
  }
  const parsed = loginSchema.safeParse(await request.json().catch(() => undefined));
  if (!parsed.success) {
    loginThrottle.failed(address);
    return badRequest(parsed.error);
  }
  if (!passwordMatches(parsed.data.password)) {
    loginThrottle.failed(address);
    logger().warn({ address }, "failed login");
    return apiError("UNAUTHORIZED", "That password is not right.");
  }
  loginThrottle.succeeded(address);
  const secure = isHttps(request);
  const token = await createSession();
  return new Response(null, {
    status: 204,
    headers: { "set-cookie": sessionSetCookie(secure, token, sessionSeconds) },
  });
}
