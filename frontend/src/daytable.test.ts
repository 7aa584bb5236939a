import { describe, expect, it } from "vitest";
import { dayUrl, flaggedPeriods, localDate, nextSort, overLimit, sortRows, type DayRow } from "./daytable";

function row(sensorId: string, lden: number | null, extra: Partial<DayRow> = {}): DayRow {
  return {
    sensorId, zone: "residential", lday: 50, levening: 48, lnight: 40, lden, coverage: 1, exceedanceMinutes: 0,
    ...extra,
  };
}

describe("sortRows", () => {
  const rows = [row("a", 70), row("b", null), row("c", 62.5), row("d", 62.5)];

  it("sorts by a level, unreported values last in either direction, ties by sensor id", () => {
    expect(sortRows(rows, "lden", "descending").map((r) => r.sensorId)).toEqual(["a", "c", "d", "b"]);
    expect(sortRows(rows, "lden", "ascending").map((r) => r.sensorId)).toEqual(["c", "d", "a", "b"]);
  });

  it("sorts by the sensor's name when the page knows it", () => {
    const names = new Map([["a", "Zoo Road"], ["b", "Abbey Lane"], ["c", "Mill St"], ["d", "Kings Way"]]);
    expect(sortRows(rows, "sensor", "ascending", names).map((r) => r.sensorId)).toEqual(["b", "d", "c", "a"]);
  });

  it("sorts by minutes over the limit and by coverage", () => {
    const more = [row("a", 60, { exceedanceMinutes: 5, coverage: 0.5 }), row("b", 60, { exceedanceMinutes: 90 })];
    expect(sortRows(more, "exceedance", "descending").map((r) => r.sensorId)).toEqual(["b", "a"]);
    expect(sortRows(more, "coverage", "ascending").map((r) => r.sensorId)).toEqual(["a", "b"]);
  });
});

describe("nextSort", () => {
  it("flips the same column and starts a new level column loudest first, a name column A to Z", () => {
    const byLden = { column: "lden", direction: "ascending" } as const;
    expect(nextSort({ ...byLden, direction: "descending" }, "lden")).toEqual(byLden);
    expect(nextSort(byLden, "lnight")).toEqual({ column: "lnight", direction: "descending" });
    expect(nextSort(byLden, "sensor")).toEqual({ column: "sensor", direction: "ascending" });
  });
});

describe("marks", () => {
  it("marks a level above its limit, not one at it, and judges nothing unknown", () => {
    expect(overLimit(55.1, 55)).toBe(true);
    expect(overLimit(55, 55)).toBe(false);
    expect(overLimit(null, 55)).toBe(false);
    expect(overLimit(60, undefined)).toBe(false);
  });

  it("lists the periods measured too little", () => {
    const period = (sufficient: boolean) =>
      ({ level: 50, coverage: sufficient ? 1 : 0.4, sufficient, exceedanceMinutes: 0 });
    expect(flaggedPeriods(row("a", null, { day: period(true), evening: period(false), night: period(false) })))
      .toEqual(["evening", "night"]);
    expect(flaggedPeriods(row("a", 60))).toEqual([]);
  });
});

describe("urls and dates", () => {
  it("builds the day's JSON and CSV URLs", () => {
    expect(dayUrl("2026-11-30")).toBe("/api/history/days/2026-11-30");
    expect(dayUrl("2026-11-30", "csv")).toBe("/api/history/days/2026-11-30?format=csv");
  });

  it("takes the local calendar date", () => {
    expect(localDate(new Date(2026, 0, 5, 23, 30))).toBe("2026-01-05");
  });
});
