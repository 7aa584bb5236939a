import { describe, expect, it } from "vitest";
import { band, formatDb, gauge } from "./levels";

describe("band", () => {
  it("colours a level by its margin to the zone threshold", () => {
    expect(band(40, 65)).toBe("quiet");
    expect(band(55, 65)).toBe("moderate");
    expect(band(62.5, 65)).toBe("near");
    expect(band(65, 65)).toBe("over");
    expect(band(74.9, 65)).toBe("over");
    expect(band(75, 65)).toBe("severe");
  });

  it("has no band without a finite level", () => {
    expect(band(null, 65)).toBe("none");
    expect(band(undefined, 65)).toBe("none");
    expect(band(Number.NaN, 65)).toBe("none");
  });
});

describe("gauge", () => {
  it("places levels between 30 dB and 20 dB over the threshold, clamped", () => {
    expect(gauge(30, 50)).toBe(0);
    expect(gauge(50, 50)).toBeCloseTo(0.5);
    expect(gauge(120, 50)).toBe(1);
    expect(gauge(10, 50)).toBe(0);
    expect(gauge(null, 50)).toBe(0);
  });
});

describe("formatDb", () => {
  it("shows one decimal or a dash", () => {
    expect(formatDb(63.25)).toBe("63.3");
    expect(formatDb(null)).toBe("–");
  });
});
