import { describe, expect, it } from "vitest";
import { emptyState } from "./state";
import { applyWatched, sameList, watchList } from "./watch";
import type { SensorView } from "./types";

describe("watchList", () => {
  it("is the visible sensors and the selected one, sorted", () => {
    expect(watchList(["c", "a"], "b", 10)).toEqual(["a", "b", "c"]);
    expect(watchList(["a"], "a", 10)).toEqual(["a"]);
    expect(sameList(watchList(["b", "a"], null, 10), watchList(["a", "b"], null, 10))).toBe(true);
  });

  it("keeps the selected sensor when it has to cut the list", () => {
    expect(watchList(["a", "b", "c", "d"], "z", 3)).toEqual(["a", "b", "z"]);
  });
});

describe("applyWatched", () => {
  it("takes the hub's newer reading and window, never an older one", () => {
    const state = emptyState();
    const reading = (measuredAt: string) => ({ sensorId: "s-1", laeq: 60, lamax: 70, measuredAt });
    state.sensors.set("s-1", {
      id: "s-1", name: "s-1", zone: "quiet", threshold: 50, reading: reading("2026-11-30T10:00:05Z"), level: null,
      exceeded: false, exceededRules: new Set(), fault: null, updatedAt: 0,
    });
    const view = (measuredAt: string): SensorView => ({
      id: "s-1", name: "s-1", zone: "quiet", location: { lat: 0, lon: 0 }, threshold: 50,
      reading: reading(measuredAt), level: null, exceeded: false, exceededRules: [], fault: null,
    });
    expect(applyWatched(state, [view("2026-11-30T10:00:01Z")])).toEqual([]);
    expect(applyWatched(state, [view("2026-11-30T10:00:09Z"), { ...view("2026-11-30T10:00:09Z"), id: "unknown" }]))
      .toEqual(["s-1"]);
    expect(state.sensors.get("s-1")!.reading!.measuredAt).toBe("2026-11-30T10:00:09Z");
  });
});
