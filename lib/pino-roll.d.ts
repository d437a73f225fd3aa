/** pino-roll ships no types: the one call lib/log.ts makes (a rolling file as a pino destination). */
declare module "pino-roll" {
  import type { DestinationStream } from "pino";
  export default function pinoRoll(options: Record<string, unknown>): Promise<DestinationStream>;
}
