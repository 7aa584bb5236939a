import { describe, expect, it } from "vitest";
import { levelsUrl, minSpan, presetRange, resolutionFor, selectRange, ticks, zoom } from "./history";

const min = 60_000;
const h = 60 * min;
const d = 24 * h;
const t0 = Date.UTC(2026, 10, 30, 10, 0, 0);

describe("resolutionFor", () => {
  it("asks minutes up to 2 days, hours up to 93 days, then days", () => {
    expect(resolutionFor({ from: 0, to: h })).toBe("minute");
    expect(resolutionFor({ from: 0, to: 2 * d })).toBe("minute");
    expect(resolutionFor({ from: 0, to: 2 * d + min })).toBe("hour");
    expect(resolutionFor({ from: 0, to: 30 * d })).toBe("hour");
    expect(resolutionFor({ from: 0, to: 93 * d })).toBe("hour");
    expect(resolutionFor({ from: 0, to: 94 * d })).toBe("day");
  });
});

describe("presetRange", () => {
  it("ends at the next whole minute and spans the preset", () => {
    expect(presetRange("hour", t0 + 30_000)).toEqual({ from: t0 - 59 * min, to: t0 + min });
    expect(presetRange("week", t0)).toEqual({ from: t0 - 7 * d, to: t0 });
  });
});

describe("levelsUrl", () => {
  it("carries the range in UTC with the resolution it needs, and the CSV format when asked", () => {
    expect(levelsUrl("s 1", { from: t0 - h, to: t0 })).toBe(
      "/api/history/sensors/s%201/levels?from=2026-11-30T09%3A00%3A00.000Z&to=2026-11-30T10%3A00%3A00.000Z" +
        "&resolution=minute");
    expect(levelsUrl("s-1", { from: t0 - 30 * d, to: t0 }, "csv")).toBe(
      "/api/history/sensors/s-1/levels?from=2026-10-31T10%3A00%3A00.000Z&to=2026-11-30T10%3A00%3A00.000Z" +
        "&resolution=hour&format=csv");
  });
});

describe("zoom", () => {
  it("halves the range around its middle", () => {
    expect(zoom({ from: t0, to: t0 + 4 * h }, 0.5, t0 + d)).toEqual({ from: t0 + h, to: t0 + 3 * h });
  });

  it("zooms around a chosen point, keeping it where it was", () => {
    // Pivot at a quarter: 11:00; new span 2 h keeps 11:00 at a quarter: 10:30–12:30.
    expect(zoom({ from: t0, to: t0 + 4 * h }, 0.5, t0 + d, 0.25)).toEqual({ from: t0 + 30 * min, to: t0 + 150 * min });
  });

  it("zooming out never reaches past now", () => {
    // 10:00–12:00 doubled is 09:00–13:00; now is 12:30, so it slides back to 08:30–12:30.
    expect(zoom({ from: t0, to: t0 + 2 * h }, 2, t0 + 150 * min)).toEqual({ from: t0 - 90 * min, to: t0 + 150 * min });
  });

  it("stops at the shortest span", () => {
    const once = zoom({ from: t0, to: t0 + 20 * min }, 0.5, t0 + d);
    expect(once.to - once.from).toBe(minSpan);
    const again = zoom(once, 0.5, t0 + d);
    expect(again).toEqual(once);
  });
});

describe("selectRange", () => {
  it("turns a drag across the chart into the range under it, in either direction", () => {
    expect(selectRange({ from: t0, to: t0 + h }, 0.75, 0.25)).toEqual({ from: t0 + 15 * min, to: t0 + 45 * min });
  });

  it("ignores a click or a tiny drag", () => {
    expect(selectRange({ from: t0, to: t0 + h }, 0.5, 0.52)).toBeNull();
  });
});

describe("ticks", () => {
  it("picks round steps", () => {
    expect(ticks(40, 80, 5)).toEqual([40, 50, 60, 70, 80]);
    // 12 dB in about 5 steps is 2.4 each: the next round step is 5.
    expect(ticks(35, 47, 5)).toEqual([35, 40, 45]);
  });
});
