import { describe, expect, it } from "vitest";
import { requester } from "../../lib/auth";

const request = (headers: Record<string, string>) => new Request("http://127.0.0.1/api/runs/1/events", { headers });

describe("requester (whom the progress-stream limit counts)", () => {
  it("counts a session as one client whatever address or X-Forwarded-For its requests carry", () => {
    const a = requester(request({ cookie: "imdb_session=abc", "x-forwarded-for": "10.0.0.1" }), "10.0.0.1");
    const b = requester(request({ cookie: "imdb_session=abc", "x-forwarded-for": "10.0.0.2" }), "10.0.0.2");
    expect(a).toBe(b);
    expect(a).toMatch(/^session:[0-9a-f]{16}$/);
    expect(a).not.toContain("abc");
    expect(requester(request({ cookie: "imdb_session=other" }), "10.0.0.1")).not.toBe(a);
  });

  it("falls back to the address only without a session", () => {
    expect(requester(request({}), "127.0.0.1")).toBe("address:127.0.0.1");
  });
});
