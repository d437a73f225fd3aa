import type { NextConfig } from "next";

/** Sent with every answer, static assets included; the Content-Security-Policy comes from proxy.ts (it needs a nonce). */
const securityHeaders = [
  { key: "X-Content-Type-Options", value: "nosniff" },
  { key: "X-Frame-Options", value: "DENY" },
  { key: "Referrer-Policy", value: "same-origin" },
  { key: "Permissions-Policy", value: "camera=(), microphone=(), geolocation=()" },
  { key: "Cross-Origin-Opener-Policy", value: "same-origin" },
];

const config: NextConfig = {
  serverExternalPackages: ["pino", "pino-roll", "pino-pretty", "thread-stream", "mysql2", "xxhash-wasm"],
  poweredByHeader: false,
  async headers() {
    return [{ source: "/:path*", headers: securityHeaders }];
  },
};

export default config;
