// The history chart's pure logic: which time range a picker choice means, the resolution it is asked at, the API's
// URLs, and zooming. No DOM here.

export type RangePreset = "hour" | "day" | "week" | "month" | "custom";
export type Resolution = "minute" | "hour" | "day";

/** A time range [from, to) in epoch milliseconds. */
export interface TimeRange {
  from: number;
  to: number;
}

const minute = 60_000;
const hour = 60 * minute;
const day = 24 * hour;

export const presetSpan: Record<Exclude<RangePreset, "custom">, number> = {
  hour,
  day,
  week: 7 * day,
  month: 30 * day,
};

export const presetLabel: Record<RangePreset, string> = {
  hour: "Last hour",
  day: "Last day",
  week: "Last week",
  month: "Last month",
  custom: "Custom",
};

/** The shortest range a zoom goes down to: a few one-minute windows. */
export const minSpan = 10 * minute;

/** The API's caps per resolution (Dashboard: minute ≤ 2 days, hour ≤ 93 days); longer ranges are asked per day. */
export const resolutionCap: Record<Exclude<Resolution, "day">, number> = { minute: 2 * day, hour: 93 * day };

/** The range a preset means, ending now (rounded up to the minute, so the same choice asks the same URL). */
export function presetRange(preset: Exclude<RangePreset, "custom">, now: number): TimeRange {
  const to = Math.ceil(now / minute) * minute;
  return { from: to - presetSpan[preset], to };
}

/** The finest resolution the API serves for a range: one-minute windows up to 2 days, hours up to 93 days. */
export function resolutionFor(range: TimeRange): Resolution {
  const span = range.to - range.from;
  if (span <= resolutionCap.minute) return "minute";
  if (span <= resolutionCap.hour) return "hour";
  return "day";
}

/** `/api/history/sensors/{id}/levels?…` for a range, at the resolution it needs, as JSON or as a CSV download. */
export function levelsUrl(sensorId: string, range: TimeRange, format: "json" | "csv" = "json"): string {
  const query = new URLSearchParams({
    from: new Date(range.from).toISOString(),
    to: new Date(range.to).toISOString(),
    resolution: resolutionFor(range),
  });
  if (format !== "json") query.set("format", format);
  return `/api/history/sensors/${encodeURIComponent(sensorId)}/levels?${query}`;
}

/**
 * The range scaled by `factor` (below 1 zooms in, above 1 out) around `centre` (0–1 across the range; the middle by
 * default), never shorter than {@link minSpan} and never reaching past `now`.
 */
export function zoom(range: TimeRange, factor: number, now: number, centre = 0.5): TimeRange {
  const span = range.to - range.from;
  const next = Math.max(minSpan, span * factor);
  const pivot = range.from + span * centre;
  let from = pivot - (pivot - range.from) * (next / span);
  let to = from + next;
  if (to > now) {
    from -= to - now;
    to = now;
  }
  return { from: Math.round(from), to: Math.round(to) };
}

/** The part of a range between two positions across it (0–1, either order), as a drag over the chart selects it;
 * null when the selection is too narrow to mean anything. */
export function selectRange(range: TimeRange, a: number, b: number): TimeRange | null {
  const [lo, hi] = [Math.max(0, Math.min(a, b)), Math.min(1, Math.max(a, b))];
  const span = range.to - range.from;
  if ((hi - lo) * span < minSpan / 2) return null;
  const from = range.from + lo * span;
  return { from: Math.round(from), to: Math.round(Math.max(from + minSpan, range.from + hi * span)) };
}

/** A `datetime-local` input's value (local time, minutes) for an instant, and back. */
export function toLocalInput(ms: number): string {
  const d = new Date(ms);
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

export function fromLocalInput(value: string): number | null {
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/.test(value)) return null;
  const ms = new Date(value).getTime();
  return Number.isFinite(ms) ? ms : null;
}

/** Nice tick positions for a value axis: steps of 1, 2 or 5 × 10ⁿ, about `count` of them. */
export function ticks(min: number, max: number, count = 5): number[] {
  if (!(max > min)) return [min];
  const raw = (max - min) / count;
  const power = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * power).find((s) => s >= raw) ?? 10 * power;
  const out: number[] = [];
  for (let v = Math.ceil(min / step) * step; v <= max + step * 1e-9; v += step) out.push(Number(v.toFixed(6)));
  return out;
}
