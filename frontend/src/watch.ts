// The sensors a page asks the hub for (it receives readings and windows of those only) and what the hub answers.
import type { DashboardState } from "./state";
import type { SensorView } from "./types";

/** At most this many sensors per page; the hub refuses more. */
export const maxWatched = 1000;

/** What a page asks the hub for: the visible sensors and the selected one, at most `max` (sorted, to compare). */
export function watchList(visible: Iterable<string>, selected: string | null, max: number): string[] {
  const ids = new Set(visible);
  if (selected) ids.add(selected);
  const sorted = [...ids].sort();
  if (sorted.length <= max) return sorted;
  // Keep the selected sensor when cutting the list.
  const kept = sorted.filter((id) => id !== selected).slice(0, selected ? max - 1 : max);
  return selected ? [...kept, selected].sort() : kept;
}

export function sameList(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((id, i) => id === b[i]);
}

/** The hub's current values of newly watched sensors: newer readings and windows replace what the page had (which may
 * be as old as the snapshot). Returns the ids that changed. */
export function applyWatched(state: DashboardState, views: readonly SensorView[]): string[] {
  const changed: string[] = [];
  for (const view of views) {
    const sensor = state.sensors.get(view.id);
    if (!sensor) continue;
    let newer = false;
    if (view.reading && (!sensor.reading || sensor.reading.measuredAt < view.reading.measuredAt)) {
      sensor.reading = view.reading;
      newer = true;
    }
    if (view.level && (!sensor.level || sensor.level.windowEnd < view.level.windowEnd)) {
      sensor.level = view.level;
      newer = true;
    }
    if (newer) changed.push(view.id);
  }
  return changed;
}
