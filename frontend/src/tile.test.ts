// @vitest-environment happy-dom
import { afterEach, describe, expect, it, vi } from "vitest";
import type { SensorModel } from "./state";
import { createTile, tileView, updateTile } from "./tile";

function sensor(overrides: Partial<SensorModel> = {}): SensorModel {
  return {
    id: "s-1", name: "Main St", zone: "commercial", threshold: 65, level: null, exceeded: false, exceededRules: new Set(),
    fault: null, updatedAt: 0,
    reading: { sensorId: "s-1", laeq: 60.2, lamax: 70, measuredAt: "2026-11-30T10:00:00Z" },
    ...overrides,
  };
}

function at(laeq: number): Partial<SensorModel> {
  return { reading: { sensorId: "s-1", laeq, lamax: laeq + 5, measuredAt: "2026-11-30T10:00:01Z" } };
}

describe("tileView", () => {
  it("shows the level, its band and the most important chip (fault before exceeded)", () => {
    const view = tileView(sensor({ ...at(66), exceeded: true }), false);
    expect(view.level).toBe("66.0");
    expect(view.band).toBe("over");
    expect(view.chip?.text).toBe("Exceeded");
    const faulty = tileView(sensor({ exceeded: true, fault: "stuck" }), true);
    expect(faulty.band).toBe("none");
    expect(faulty.className).toBe("tile band-none selected faulty");
    expect(faulty.chip?.className).toBe("chip chip-fault");
  });
});

describe("updateTile", () => {
  afterEach(() => vi.restoreAllMocks());

  it("updates the text in place: the tile keeps its nodes when the level changes", () => {
    const tile = createTile("s-1", () => {});
    updateTile(tile, tileView(sensor(), false));
    const level = tile.querySelector("[data-testid=sensor-level]")!;
    const nodes = [...tile.querySelectorAll("*")];
    updateTile(tile, tileView(sensor(at(71.4)), false));
    expect(level.textContent).toBe("71.4 dB");
    expect(tile.dataset.band).toBe("over");
    const after = [...tile.querySelectorAll("*")];
    expect(after).toHaveLength(nodes.length);
    after.forEach((node, i) => expect(node).toBe(nodes[i]));
  });

  it("flashes a changed level without reading layout (no offsetWidth)", () => {
    const offsetWidth = vi.spyOn(HTMLElement.prototype, "offsetWidth", "get");
    const animate = vi.fn();
    const tile = createTile("s-1", () => {});
    updateTile(tile, tileView(sensor(), false));
    tile.querySelector<HTMLElement>("[data-testid=sensor-level]")!.animate = animate;
    for (const laeq of [61, 62, 63]) updateTile(tile, tileView(sensor(at(laeq)), false));
    expect(offsetWidth).not.toHaveBeenCalled();
    expect(animate).toHaveBeenCalledTimes(3);
  });

  it("adds and removes the chip as the sensor's condition changes", () => {
    const tile = createTile("s-1", () => {});
    updateTile(tile, tileView(sensor({ exceeded: true }), false));
    expect(tile.querySelector(".chip")?.textContent).toBe("Exceeded");
    updateTile(tile, tileView(sensor(), false));
    expect(tile.querySelector(".chip")).toBeNull();
  });
});
