import { describe, expect, it } from "vitest";
import { HttpTransportType } from "@microsoft/signalr";
import { retryPolicy, transportOptions } from "./connection";

describe("retryPolicy", () => {
  it("retries at once, then backs off to every 5 s", () => {
    const delay = (previousRetryCount: number, elapsedMilliseconds = 1000) =>
      retryPolicy.nextRetryDelayInMilliseconds({ previousRetryCount, elapsedMilliseconds, retryReason: new Error("lost") });
    expect([0, 1, 2, 3, 10].map((n) => delay(n))).toEqual([0, 1000, 2000, 5000, 5000]);
  });

  it("gives up after a minute so the page says offline (and keeps trying on its own)", () => {
    expect(retryPolicy.nextRetryDelayInMilliseconds({ previousRetryCount: 20, elapsedMilliseconds: 61_000, retryReason: new Error("lost") })).toBeNull();
  });
});

describe("transportOptions", () => {
  it("connects with a WebSocket and no negotiate request, so a load balancer cannot split the two", () => {
    expect(transportOptions).toEqual({ transport: HttpTransportType.WebSockets, skipNegotiation: true });
  });
});
