import { describe, expect, it } from "vitest";
import { centroid, convexHull, earthRadius, fitProjection, ldenBand, scaleBar } from "./map";

const degrees = (metres: number) => (metres / earthRadius) * (180 / Math.PI);

describe("fitProjection", () => {
  it("scales longitude by cos(latitude): 1 km east at 60° N is 1 km across", () => {
    // At 60° a degree of longitude is half as long: 1 km east is 2·degrees(1000) of longitude.
    const a = { lat: 60, lon: 10 };
    const b = { lat: 60, lon: 10 + 2 * degrees(1000) };
    // 1000 m into a 1000-unit box (1040 less two 20-unit margins): one metre per unit.
    const projection = fitProjection([a, b], 1040, 1040, 20);
    expect(projection.metresPerUnit).toBeCloseTo(1, 6);
    expect(projection.project(a).x).toBeCloseTo(20, 6);
    expect(projection.project(b).x).toBeCloseTo(1020, 6);
    expect(projection.project(a).y).toBeCloseTo(projection.project(b).y, 6);
  });

  it("puts north up and keeps the aspect: 500 m north in a 1000-unit box is 500 units above", () => {
    const south = { lat: 48.2, lon: 16.37 };
    const north = { lat: 48.2 + degrees(500), lon: 16.37 };
    const east = { lat: 48.2, lon: 16.37 + degrees(1000) / Math.cos(48.2 * Math.PI / 180) };
    const projection = fitProjection([south, north, east], 1000, 1000, 0);
    expect(projection.metresPerUnit).toBeCloseTo(1, 3);
    expect(projection.project(south).y - projection.project(north).y).toBeCloseTo(500, 1);
    expect(projection.project(east).x - projection.project(south).x).toBeCloseTo(1000, 1);
  });
});

describe("scaleBar", () => {
  it("takes the longest round distance that fits", () => {
    // 160 units at 3.7 m each is 592 m: the bar is 500 m, 500 / 3.7 = 135.1 units.
    const bar = scaleBar(3.7, 160);
    expect(bar.metres).toBe(500);
    expect(bar.units).toBeCloseTo(135.135, 3);
    expect(bar.label).toBe("500 m");
    // 160 × 25 = 4 km: 5 km does not fit, 2 km does (80 units).
    expect(scaleBar(25, 160)).toEqual({ metres: 2000, units: 80, label: "2 km" });
    expect(scaleBar(1, 160).metres).toBe(100);
  });
});

describe("convexHull", () => {
  it("outlines a zone by its outer sensors only", () => {
    const square = [{ x: 0, y: 0 }, { x: 10, y: 0 }, { x: 10, y: 10 }, { x: 0, y: 10 }];
    const hull = convexHull([...square, { x: 5, y: 5 }, { x: 5, y: 0 }]);
    expect(hull).toHaveLength(4);
    expect(new Set(hull.map((p) => `${p.x},${p.y}`))).toEqual(new Set(square.map((p) => `${p.x},${p.y}`)));
    expect(centroid(hull)).toEqual({ x: 5, y: 5 });
  });

  it("keeps one or two sensors as they are", () => {
    expect(convexHull([{ x: 1, y: 2 }])).toEqual([{ x: 1, y: 2 }]);
  });
});

describe("ldenBand", () => {
  it("uses the 5 dB classes of strategic noise maps", () => {
    expect(ldenBand(54.9)).toBe("lt55");
    expect(ldenBand(55)).toBe("55");
    expect(ldenBand(64.99)).toBe("60");
    expect(ldenBand(74.99)).toBe("70");
    expect(ldenBand(75)).toBe("75");
    expect(ldenBand(null)).toBe("none");
  });
});
