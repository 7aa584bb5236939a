// The day table's pure logic: its rows as the API sends them, sorting by any column, marking values over the limits,
// and the URLs. No DOM here.
import type { Zone } from "./types";

/** One period of a day (`/api/history/days/{date}`): level over its covered time, covered share, whether that share
 * is enough to report, and minutes above the zone's limit. */
export interface PeriodView {
  level: number | null;
  coverage: number;
  sufficient: boolean;
  exceedanceMinutes: number;
}

export interface PeriodLimits {
  day?: number | null;
  evening?: number | null;
  night?: number | null;
}

export interface DayRow {
  sensorId: string;
  zone: Zone;
  lday: number | null;
  levening: number | null;
  lnight: number | null;
  lden: number | null;
  coverage: number;
  exceedanceMinutes: number;
  alertEpisodes?: number;
  day?: PeriodView;
  evening?: PeriodView;
  night?: PeriodView;
  /** The zone's limits per period, when the Dashboard knows them. */
  limits?: PeriodLimits | null;
}

export type DayColumn = "sensor" | "zone" | "lday" | "levening" | "lnight" | "lden" | "exceedance" | "coverage";
export type Direction = "ascending" | "descending";
export type Period = "day" | "evening" | "night";

export const dayColumns: { key: DayColumn; label: string }[] = [
  { key: "sensor", label: "Sensor" },
  { key: "zone", label: "Zone" },
  { key: "lday", label: "Lday" },
  { key: "levening", label: "Levening" },
  { key: "lnight", label: "Lnight" },
  { key: "lden", label: "Lden" },
  { key: "exceedance", label: "Minutes over limit" },
  { key: "coverage", label: "Coverage" },
];

function value(row: DayRow, column: DayColumn, names: ReadonlyMap<string, string>): string | number | null {
  switch (column) {
    case "sensor": return names.get(row.sensorId) ?? row.sensorId;
    case "zone": return row.zone;
    case "lday": return row.lday;
    case "levening": return row.levening;
    case "lnight": return row.lnight;
    case "lden": return row.lden;
    case "exceedance": return row.exceedanceMinutes;
    case "coverage": return row.coverage;
  }
}

/** The rows sorted by a column; a missing value (a period short of data) goes last either way, ties by sensor id. */
export function sortRows(rows: readonly DayRow[], column: DayColumn, direction: Direction,
  names: ReadonlyMap<string, string> = new Map()): DayRow[] {
  const sign = direction === "ascending" ? 1 : -1;
  return [...rows].sort((a, b) => {
    const x = value(a, column, names);
    const y = value(b, column, names);
    if (x === null || y === null) return x === y ? a.sensorId.localeCompare(b.sensorId) : x === null ? 1 : -1;
    const order = typeof x === "number" && typeof y === "number" ? x - y : String(x).localeCompare(String(y));
    return sign * order || a.sensorId.localeCompare(b.sensorId);
  });
}

/** The next sort after a header's button is pressed: the same column flips, a new one starts high to low for levels
 * (the loudest first is what an officer looks for) and A to Z for names. */
export function nextSort(current: { column: DayColumn; direction: Direction }, column: DayColumn):
  { column: DayColumn; direction: Direction } {
  if (current.column === column) {
    return { column, direction: current.direction === "ascending" ? "descending" : "ascending" };
  }
  return { column, direction: column === "sensor" || column === "zone" ? "ascending" : "descending" };
}

/** Whether a period's level is above its limit (unknown level or limit: not judged). */
export function overLimit(level: number | null | undefined, limit: number | null | undefined): boolean {
  return level !== null && level !== undefined && limit !== null && limit !== undefined && level > limit;
}

/** The periods of a row whose coverage is too short to report (flagged, never averaged in). */
export function flaggedPeriods(row: DayRow): Period[] {
  return (["day", "evening", "night"] as const).filter((p) => row[p] !== undefined && !row[p]!.sufficient);
}

/** `/api/history/days/{yyyy-MM-dd}`, as JSON or as a CSV download. */
export function dayUrl(date: string, format: "json" | "csv" = "json"): string {
  const base = `/api/history/days/${encodeURIComponent(date)}`;
  return format === "json" ? base : `${base}?format=${format}`;
}

/** A date's yyyy-MM-dd in the browser's local calendar. */
export function localDate(at: Date): string {
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${at.getFullYear()}-${pad(at.getMonth() + 1)}-${pad(at.getDate())}`;
}
