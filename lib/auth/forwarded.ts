/**
 * Who sent a request, decided once where the socket is known (the console's HTTP server, scripts/serve.ts):
 * the socket's peer, or the address a trusted proxy (TRUSTED_PROXIES) put in X-Forwarded-For. Anything a client
 * sends in X-Forwarded-* itself is replaced, so the throttle, the stream limits and the log read an address no
 * client can choose, and `X-Forwarded-Proto: https` counts only when a trusted proxy said it.
 */
import type { IncomingMessage } from "node:http";
import proxyAddr from "proxy-addr";

export type TrustFunction = (address: string, hop: number) => boolean;

/** TRUSTED_PROXIES: addresses, CIDR ranges and proxy-addr's names (loopback, linklocal, uniquelocal), comma-separated. */
export function trustedProxies(setting: string | undefined): TrustFunction {
  const entries = (setting ?? "")
    .split(",")
    .map((entry) => entry.trim())
    .filter(Boolean);
  return entries.length === 0 ? () => false : proxyAddr.compile(entries);
}

/** The headers a request carries on into Next once its forwarded headers are rewritten from the socket. */
export function rewriteForwarded(request: IncomingMessage, trust: TrustFunction): void {
  const peer = request.socket.remoteAddress ?? "";
  const viaTrustedProxy = peer !== "" && trust(peer, 0);
  request.headers["x-forwarded-for"] = proxyAddr(request, trust) || peer || "unknown";
  if (!viaTrustedProxy) {
    // Next fills these in from the socket and the Host header when they are absent.
    delete request.headers["x-forwarded-proto"];
    delete request.headers["x-forwarded-host"];
    delete request.headers["x-forwarded-port"];
  }
}
