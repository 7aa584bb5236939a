// The map's pure logic: an equirectangular projection fitted to the sensors, a scale bar in metres, the convex hull
// that outlines a zone, and the Lden bands of EU strategic noise maps. No DOM here.
import type { GeoLocation } from "./types";

export interface Point {
  x: number;
  y: number;
}

/** Mean Earth radius (m), as the equirectangular approximation uses it. */
export const earthRadius = 6_371_000;

export interface Projection {
  project(location: GeoLocation): Point;
  /** Ground metres one SVG unit stands for. */
  metresPerUnit: number;
}

/**
 * Fits the locations into a width × height box with a margin: x = R·λ·cos φ₀, y = −R·φ (north up), φ₀ the mid
 * latitude, one scale for both axes so distances keep their proportions. Over a city the error is far below a pixel.
 */
export function fitProjection(locations: readonly GeoLocation[], width: number, height: number, margin: number):
  Projection {
  const lats = locations.map((l) => l.lat);
  const lons = locations.map((l) => l.lon);
  const [minLat, maxLat] = lats.length ? [Math.min(...lats), Math.max(...lats)] : [0, 0];
  const [minLon, maxLon] = lons.length ? [Math.min(...lons), Math.max(...lons)] : [0, 0];
  const cos = Math.cos(((minLat + maxLat) / 2) * Math.PI / 180);
  const rad = Math.PI / 180;
  const spanX = Math.max((maxLon - minLon) * rad * earthRadius * cos, 1);
  const spanY = Math.max((maxLat - minLat) * rad * earthRadius, 1);
  const scale = Math.min((width - 2 * margin) / spanX, (height - 2 * margin) / spanY);
  // Centred in the box along the axis with room to spare.
  const offsetX = (width - spanX * scale) / 2;
  const offsetY = (height - spanY * scale) / 2;
  return {
    metresPerUnit: 1 / scale,
    project: (l) => ({
      x: offsetX + (l.lon - minLon) * rad * earthRadius * cos * scale,
      y: offsetY + (maxLat - l.lat) * rad * earthRadius * scale,
    }),
  };
}

/** The longest round distance (1, 2 or 5 × 10ⁿ m) whose bar fits in `maxUnits`, its length in units and a label. */
export function scaleBar(metresPerUnit: number, maxUnits: number): { metres: number; units: number; label: string } {
  const most = metresPerUnit * maxUnits;
  const power = 10 ** Math.floor(Math.log10(most));
  const metres = [5, 2, 1].map((m) => m * power).find((m) => m <= most) ?? power;
  const label = metres >= 1000 ? `${metres / 1000} km` : `${metres} m`;
  return { metres, units: metres / metresPerUnit, label };
}

function cross(o: Point, a: Point, b: Point): number {
  return (a.x - o.x) * (b.y - o.y) - (a.y - o.y) * (b.x - o.x);
}

/** The convex hull (Andrew's monotone chain), counter-clockwise in y-up terms, without collinear points. */
export function convexHull(points: readonly Point[]): Point[] {
  const sorted = [...points].sort((a, b) => a.x - b.x || a.y - b.y);
  if (sorted.length < 3) return sorted;
  const half = (list: Point[]): Point[] => {
    const out: Point[] = [];
    for (const p of list) {
      while (out.length >= 2 && cross(out[out.length - 2]!, out[out.length - 1]!, p) <= 0) out.pop();
      out.push(p);
    }
    out.pop();
    return out;
  };
  return [...half(sorted), ...half([...sorted].reverse())];
}

export function centroid(points: readonly Point[]): Point {
  const n = Math.max(points.length, 1);
  return { x: points.reduce((s, p) => s + p.x, 0) / n, y: points.reduce((s, p) => s + p.y, 0) / n };
}

export type LdenBand = "none" | "lt55" | "55" | "60" | "65" | "70" | "75";

/** The 5 dB classes of EU strategic noise maps (Directive 2002/49/EC reporting): below 55, 55–59, …, 75 and above. */
export function ldenBand(lden: number | null | undefined): LdenBand {
  if (lden === null || lden === undefined || !Number.isFinite(lden)) return "none";
  if (lden >= 75) return "75";
  if (lden >= 70) return "70";
  if (lden >= 65) return "65";
  if (lden >= 60) return "60";
  if (lden >= 55) return "55";
  return "lt55";
}

export const ldenBandLabel: Record<LdenBand, string> = {
  none: "No Lden",
  lt55: "Below 55",
  "55": "55–59",
  "60": "60–64",
  "65": "65–69",
  "70": "70–74",
  "75": "75 and above",
};
