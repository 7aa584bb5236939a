import { describe, expect, it } from "vitest";
import { band, formatCoverage, formatDb, formatPercentiles, gauge, isPartial } from "./levels";

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

describe("isPartial", () => {
  it("marks a window covered less than half of its time", () => {
    // 29 of 60 s covered is partial; 30 of 60 s is not.
    expect(isPartial(29 / 60)).toBe(true);
    expect(isPartial(30 / 60)).toBe(false);
    expect(isPartial(1)).toBe(false);
    expect(isPartial(0)).toBe(true);
  });

  it("does not judge a window without a stated coverage (an older Processing)", () => {
    expect(isPartial(null)).toBe(false);
    expect(isPartial(undefined)).toBe(false);
  });
});

describe("formatCoverage", () => {
  it("shows coverage as a whole percentage or a dash", () => {
    expect(formatCoverage(50 / 60)).toBe("83 %");
    expect(formatCoverage(1)).toBe("100 %");
    expect(formatCoverage(0.004)).toBe("0 %");
    expect(formatCoverage(null)).toBe("–");
  });
});

describe("formatPercentiles", () => {
  it("shows L10 / L50 / L90 with a dash for an unknown L50", () => {
    expect(formatPercentiles(80, 40, 40)).toBe("80.0 / 40.0 / 40.0");
    expect(formatPercentiles(71.25, null, 60)).toBe("71.3 / – / 60.0");
  });
});
