/**
 * The headers every answer of the console carries (next.config.ts), static assets included, and the placeholder
 * that answers while the start-up migration runs (scripts/migrating-server.ts). The Content-Security-Policy is not
 * here: the console's comes from proxy.ts (it needs a nonce), the placeholder's is its own.
 */
export const securityHeaders = [
  { key: "X-Content-Type-Options", value: "nosniff" },
  { key: "X-Frame-Options", value: "DENY" },
  { key: "Referrer-Policy", value: "same-origin" },
  { key: "Permissions-Policy", value: "camera=(), microphone=(), geolocation=()" },
  { key: "Cross-Origin-Opener-Policy", value: "same-origin" },
];
