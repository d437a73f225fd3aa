/**
 * The one shape of an API route handler: the request is authorized (a session or the token), the path's
 * parameters, query and JSON body are parsed with their schemas from contract.ts, then one call answers. A path
 * parameter that does not parse is a 404, a query or body a 400 with the issues; errors that the engine or run
 * control throw on purpose get their answer from errors.ts, anything else is a 500.
 */
import type { z } from "zod";
import { requestIsAuthorized } from "@/lib/auth";
import { badRequest, errorResponse, notFound, unauthorized } from "./errors";

interface RouteSpec<P, Q, B> {
  /** The path's parameters, and what a 404 says when they do not parse. */
  params?: { schema: z.ZodType<P>; notFound: string };
  query?: z.ZodType<Q>;
  body?: z.ZodType<B>;
}

interface RouteInput<P, Q, B> {
  request: Request;
  params: P;
  query: Q;
  body: B;
}

type Context = { params: Promise<Record<string, string>> };

/** An authorized route: `answer` returns a Response, or a value sent as JSON with status 200. */
export function apiRoute<P = undefined, Q = undefined, B = undefined>(
  spec: RouteSpec<P, Q, B>,
  answer: (input: RouteInput<P, Q, B>) => Promise<Response | object>,
): (request: Request, context: Context) => Promise<Response> {
  return async (request, context) => {
    if (!(await requestIsAuthorized(request))) return unauthorized();
    let params = undefined as P;
    if (spec.params) {
      const parsed = spec.params.schema.safeParse(await context.params);
      if (!parsed.success) return notFound(spec.params.notFound);
      params = parsed.data;
    }
    let query = undefined as Q;
    if (spec.query) {
      const parsed = spec.query.safeParse(Object.fromEntries(new URL(request.url).searchParams));
      if (!parsed.success) return badRequest(parsed.error);
      query = parsed.data;
    }
    let body = undefined as B;
    if (spec.body) {
      const parsed = spec.body.safeParse(await request.json().catch(() => undefined));
      if (!parsed.success) return badRequest(parsed.error);
      body = parsed.data;
    }
    try {
      const result = await answer({ request, params, query, body });
      return result instanceof Response ? result : Response.json(result);
    } catch (error) {
      return errorResponse(error);
    }
  };
}
