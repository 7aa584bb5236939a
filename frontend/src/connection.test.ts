import { afterEach, describe, expect, it, vi } from "vitest";
import { HttpTransportType } from "@microsoft/signalr";
import { backoff, retryPolicy, transportOptions } from "./connection";

describe("retryPolicy", () => {
  afterEach(() => vi.restoreAllMocks());
  const delay = (previousRetryCount: number, elapsedMilliseconds = 1000) =>
    retryPolicy.nextRetryDelayInMilliseconds({ previousRetryCount, elapsedMilliseconds, retryReason: new Error("lost") });

  it("retries soon, then backs off to about every 5 s", () => {
    vi.spyOn(Math, "random").mockReturnValue(0);
    expect([0, 1, 2, 3, 10].map((n) => delay(n))).toEqual([0, 1000, 2000, 5000, 5000]);
  });

  it("spreads the pages' reconnects so a restarted Dashboard is not hit by all of them at once", () => {
    vi.spyOn(Math, "random").mockReturnValue(0.99);
    const late = [0, 1, 2, 3].map((n) => delay(n)!);
    vi.spyOn(Math, "random").mockReturnValue(0);
    const early = [0, 1, 2, 3].map((n) => delay(n)!);
    for (let i = 0; i < late.length; i++) {
      expect(late[i]).toBeGreaterThan(early[i]!);
      expect(late[i]).toBeLessThanOrEqual(early[i]! * 1.5 + 1000);
    }
  });

  it("gives up after a minute so the page says offline (and keeps trying on its own)", () => {
    expect(retryPolicy.nextRetryDelayInMilliseconds({ previousRetryCount: 20, elapsedMilliseconds: 61_000, retryReason: new Error("lost") })).toBeNull();
  });
});

describe("backoff", () => {
  it("doubles from 1 s up to 30 s, each delay spread by up to half", () => {
    expect([0, 1, 2, 5, 10].map((n) => backoff(n, () => 0))).toEqual([1000, 2000, 4000, 30_000, 30_000]);
    expect(backoff(1, () => 0.99)).toBeGreaterThan(2000);
    expect(backoff(1, () => 0.99)).toBeLessThanOrEqual(3000);
  });
});

describe("transportOptions", () => {
  it("connects with a WebSocket and no negotiate request, so a load balancer cannot split the two", () => {
    expect(transportOptions).toEqual({ transport: HttpTransportType.WebSockets, skipNegotiation: true });
  });
});
