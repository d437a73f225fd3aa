import { describe, expect, it } from "vitest";
import { LoginThrottle } from "../../lib/auth/throttle";

describe("LoginThrottle", () => {
  it("lets 5 wrong passwords from an address through, then makes it wait, doubling", () => {
    const throttle = new LoginThrottle();
    const t0 = 1_000_000;
    for (let i = 0; i < 4; i++) throttle.failed("a", t0);
    expect(throttle.waitMs("a", t0)).toBe(0);
    throttle.failed("a", t0);
    expect(throttle.waitMs("a", t0)).toBe(30_000);
    expect(throttle.waitMs("b", t0)).toBe(0);
    throttle.failed("a", t0 + 30_000);
    expect(throttle.waitMs("a", t0 + 30_000)).toBe(60_000);
  });

  it("clears an address on a right password", () => {
    const throttle = new LoginThrottle();
    for (let i = 0; i < 5; i++) throttle.failed("a", 0);
    throttle.succeeded("a");
    expect(throttle.waitMs("a", 0)).toBe(0);
  });

  it("slows everyone down, but locks nobody out, when many addresses fail together", () => {
    const throttle = new LoginThrottle();
    for (let i = 0; i < 20; i++) throttle.failed(`10.0.0.${i}`, 5_000);
    expect(throttle.slowdownMs(5_000)).toBe(0);
    throttle.failed("10.0.0.99", 5_000);
    expect(throttle.slowdownMs(5_000)).toBe(1_000);
    // Another address may still try (slowed); the slowdown ends with the window.
    expect(throttle.waitMs("10.9.9.9", 5_000)).toBe(0);
    expect(throttle.slowdownMs(5_000 + 5 * 60_000)).toBe(0);
  });
});
