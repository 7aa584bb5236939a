// The page's model and how each push changes it. No DOM here: it is unit-tested on its own.
import type {
  AlertChange,
  AlertRule,
  AlertSeverity,
  AlertState,
  AlertSummary,
  GeoLocation,
  LevelView,
  ReadingTick,
  SensorFault,
  SensorHistory,
  SensorStatusView,
  SensorView,
  Snapshot,
  Zone,
} from "./types";

export interface SensorModel {
  id: string;
  name: string;
  zone: Zone;
  /** Where the sensor stands (from the catalogue); unknown for one first seen in a push. */
  location?: GeoLocation | null;
  threshold: number;
  reading: ReadingTick | null;
  level: LevelView | null;
  /** Any rule exceeded (what the tile shows); each rule is tracked on its own in `exceededRules`. */
  exceeded: boolean;
  exceededRules: Set<AlertRule>;
  fault: SensorFault | null;
  /** Time (ms) of the last update, so the tile can flash. */
  updatedAt: number;
}

export interface AlertModel {
  alertId: string;
  sensorId: string;
  rule: AlertSummary["rule"];
  severity: AlertSeverity;
  state: AlertState;
  level: number | null;
  threshold: number | null;
  message: string;
  raisedAt: string;
  updatedAt: string;
  acknowledgedBy: string | null;
  correlationId: string;
}

export interface ChartSeries {
  sensorId: string;
  readings: ReadingTick[];
  levels: LevelView[];
}

export interface DashboardState {
  sensors: Map<string, SensorModel>;
  alerts: Map<string, AlertModel>;
  alertsError: string | null;
  /** Set when the snapshot holds only the first of more open alerts. */
  alertsNote: string | null;
  kibanaUrl: string | null;
  user: string | null;
  selected: string | null;
  chart: ChartSeries | null;
  /** Sensors first seen in a push since the last `takeNewSensors` (they need a tile). */
  newSensors: string[];
  /** Alerts pruned from the feed (bounded), so a late or duplicate `raised` cannot bring one back. */
  retired: Set<string>;
}

/** Resolved alerts stay in the feed (greyed) for a while so a person sees what just ended. */
export const resolvedKept = 20;
export const chartPoints = 240;
/** Pruned alert ids remembered; far more than a duplicate delivery can lag behind. */
export const retiredKept = 1000;

export function emptyState(): DashboardState {
  return {
    sensors: new Map(), alerts: new Map(), alertsError: null, alertsNote: null, kibanaUrl: null, user: null,
    selected: null, chart: null, newSensors: [], retired: new Set(),
  };
}

function sensorFromView(view: SensorView): SensorModel {
  return {
    id: view.id,
    name: view.name,
    zone: view.zone,
    location: view.location ?? null,
    threshold: view.threshold,
    reading: view.reading,
    level: view.level,
    exceeded: view.exceeded,
    // An older Dashboard sends only the flag: count it as the level rule.
    exceededRules: new Set(view.exceededRules ?? (view.exceeded ? ["level"] : [])),
    fault: view.fault,
    updatedAt: 0,
  };
}

function alertFromSummary(summary: AlertSummary): AlertModel {
  return {
    alertId: summary.alertId,
    sensorId: summary.sensorId,
    rule: summary.rule,
    severity: summary.severity,
    state: summary.state,
    level: summary.level,
    threshold: summary.threshold,
    message: summary.message,
    raisedAt: summary.raisedAt,
    updatedAt: summary.updatedAt,
    acknowledgedBy: summary.acknowledgedBy,
    correlationId: summary.correlationId,
  };
}

/**
 * Replaces the model with a snapshot (page load and every reconnect). Open alerts come from Alerting, so they replace
 * the feed; resolved ones the page already showed stay until pushed out. When Alerting did not answer, the feed the page
 * has is kept and the error is shown.
 */
export function applySnapshot(state: DashboardState, snapshot: Snapshot): void {
  const sensors = new Map<string, SensorModel>();
  for (const view of snapshot.sensors) {
    const previous = state.sensors.get(view.id);
    const model = sensorFromView(view);
    // Keep a newer live value the page already has (a push may overtake the snapshot, or the snapshot came from
    // another instance that is behind).
    if (previous?.reading && (!model.reading || previous.reading.measuredAt > model.reading.measuredAt)) {
      model.reading = previous.reading;
    }
    if (previous?.level && (!model.level || previous.level.windowEnd > model.level.windowEnd)) {
      model.level = previous.level;
      model.threshold = previous.level.threshold;
    }
    sensors.set(view.id, model);
  }
  state.sensors = sensors;
  state.kibanaUrl = snapshot.kibanaUrl;
  state.user = snapshot.user;
  state.alertsError = snapshot.alerts === null ? snapshot.alertsError ?? "Alerts are unavailable." : null;
  const total = snapshot.alertsTotal ?? 0;
  if (snapshot.alerts !== null) {
    const shown = snapshot.alerts.length;
    state.alertsNote = total > shown ? `Showing the first ${shown} of ${total} open alerts.` : null;
    const alerts = new Map<string, AlertModel>();
    for (const summary of snapshot.alerts) alerts.set(summary.alertId, alertFromSummary(summary));
    for (const [id, alert] of state.alerts) {
      if (alert.state === "resolved" && !alerts.has(id)) alerts.set(id, alert);
    }
    state.alerts = alerts;
  }
  if (state.selected === null || !state.sensors.has(state.selected)) {
    state.selected = pickInitialSensor(state);
  }
}

/** The loudest sensor over its threshold, else the first one. */
export function pickInitialSensor(state: DashboardState): string | null {
  let best: SensorModel | null = null;
  for (const sensor of state.sensors.values()) {
    const level = sensor.reading?.laeq ?? sensor.level?.laeq;
    if (level === undefined) continue;
    const margin = level - sensor.threshold;
    const bestLevel = best ? best.reading?.laeq ?? best.level?.laeq ?? -Infinity : -Infinity;
    if (!best || margin > bestLevel - best.threshold) best = sensor;
  }
  return best?.id ?? state.sensors.keys().next().value ?? null;
}

function ensureSensor(state: DashboardState, sensorId: string): SensorModel {
  let sensor = state.sensors.get(sensorId);
  if (!sensor) {
    sensor = {
      id: sensorId, name: sensorId, zone: "commercial", threshold: 65, reading: null, level: null, exceeded: false,
      exceededRules: new Set(), fault: null, updatedAt: 0,
    };
    state.sensors.set(sensorId, sensor);
    state.newSensors.push(sensorId);
  }
  return sensor;
}

/** The sensors first seen in a push since the last call: the grid needs a tile for each. */
export function takeNewSensors(state: DashboardState): string[] {
  return state.newSensors.splice(0);
}

function append<T>(list: T[], item: T, max: number): void {
  list.push(item);
  if (list.length > max) list.splice(0, list.length - max);
}

/** The coalesced latest readings; returns the ids of the sensors that changed. */
export function applyReadings(state: DashboardState, ticks: ReadingTick[], now = Date.now()): string[] {
  const changed: string[] = [];
  for (const tick of ticks) {
    const sensor = ensureSensor(state, tick.sensorId);
    if (sensor.reading && sensor.reading.measuredAt > tick.measuredAt) continue;
    sensor.reading = tick;
    sensor.updatedAt = now;
    if (sensor.fault === "offline") sensor.fault = null;
    changed.push(tick.sensorId);
    if (state.chart?.sensorId === tick.sensorId) append(state.chart.readings, tick, chartPoints);
  }
  return changed;
}

export function applyLevel(state: DashboardState, level: LevelView, now = Date.now()): void {
  const sensor = ensureSensor(state, level.sensorId);
  if (!sensor.level || sensor.level.windowEnd <= level.windowEnd) sensor.level = level;
  sensor.threshold = level.threshold;
  sensor.updatedAt = now;
  if (state.chart?.sensorId === level.sensorId) append(state.chart.levels, level, chartPoints);
}

export function applySensorStatus(state: DashboardState, status: SensorStatusView): void {
  const sensor = ensureSensor(state, status.sensorId);
  switch (status.status) {
    case "exceeded":
      sensor.exceededRules.add(status.rule ?? "level");
      break;
    case "cleared":
      // Only this rule: a level clear says nothing about spike rates.
      sensor.exceededRules.delete(status.rule ?? "level");
      break;
    case "fault":
      sensor.fault = status.fault;
      break;
  }
  sensor.exceeded = sensor.exceededRules.size > 0;
}

/** An alert event from nop.alerts. Events about alerts the page never saw raised (it loaded in between) are ignored,
 * except that the next snapshot brings them. */
export function applyAlertChange(state: DashboardState, change: AlertChange): void {
  const existing = state.alerts.get(change.alertId);
  switch (change.kind) {
    case "raised":
      // A duplicate delivery, or a late one of an alert already pruned from the feed.
      if (existing || state.retired.has(change.alertId)) return;
      state.alerts.set(change.alertId, {
        alertId: change.alertId,
        sensorId: change.sensorId,
        rule: change.rule,
        severity: change.severity ?? "warning",
        state: "open",
        level: change.level,
        threshold: change.threshold,
        message: change.message ?? "",
        raisedAt: change.at,
        updatedAt: change.at,
        acknowledgedBy: null,
        correlationId: change.correlationId,
      });
      break;
    case "escalated":
      if (!existing) return;
      existing.severity = change.severity ?? existing.severity;
      existing.level = change.level ?? existing.level;
      existing.updatedAt = change.at;
      break;
    case "acknowledged":
      if (!existing || existing.state === "resolved") return;
      existing.state = "acknowledged";
      existing.acknowledgedBy = change.acknowledgedBy;
      existing.updatedAt = change.at;
      break;
    case "resolved":
      // The sensor is back (a fault alert resolves only on its recovery): clear the chip even when this page never
      // saw the alert raised (it loaded later, or the snapshot had no room for it).
      if (change.rule === "sensor-fault") {
        const sensor = state.sensors.get(change.sensorId);
        if (sensor) sensor.fault = null;
      }
      if (!existing) return;
      existing.state = "resolved";
      existing.updatedAt = change.at;
      break;
  }
  pruneResolved(state);
}

function pruneResolved(state: DashboardState): void {
  const resolved = [...state.alerts.values()].filter((a) => a.state === "resolved").sort((a, b) => b.updatedAt.localeCompare(a.updatedAt));
  for (const alert of resolved.slice(resolvedKept)) {
    state.alerts.delete(alert.alertId);
    state.retired.add(alert.alertId);
  }
  // A Set iterates in insertion order: the oldest ids go first.
  for (const id of state.retired) {
    if (state.retired.size <= retiredKept) break;
    state.retired.delete(id);
  }
}

const stateOrder: Record<AlertState, number> = { open: 0, acknowledged: 1, resolved: 2 };
const severityOrder: Record<AlertSeverity, number> = { critical: 0, warning: 1, info: 2 };

/** The feed's order: open before acknowledged before resolved, then by severity, then newest first. */
export function sortedAlerts(state: DashboardState): AlertModel[] {
  return [...state.alerts.values()].sort(
    (a, b) =>
      stateOrder[a.state] - stateOrder[b.state] ||
      severityOrder[a.severity] - severityOrder[b.severity] ||
      b.raisedAt.localeCompare(a.raisedAt),
  );
}

export function setChart(state: DashboardState, history: SensorHistory): void {
  if (history.sensorId !== state.selected) return;
  state.chart = {
    sensorId: history.sensorId,
    readings: history.readings.slice(-chartPoints),
    levels: history.levels.slice(-chartPoints),
  };
}

export interface Summary {
  sensors: number;
  reporting: number;
  over: number;
  faults: number;
  openAlerts: number;
}

export function summarize(state: DashboardState): Summary {
  let reporting = 0;
  let over = 0;
  let faults = 0;
  for (const sensor of state.sensors.values()) {
    if (sensor.reading) reporting++;
    const level = sensor.reading?.laeq ?? sensor.level?.laeq;
    if (level !== undefined && level >= sensor.threshold) over++;
    if (sensor.fault) faults++;
  }
  const openAlerts = [...state.alerts.values()].filter((a) => a.state !== "resolved").length;
  return { sensors: state.sensors.size, reporting, over, faults, openAlerts };
}

type Column = (number | null)[];
type Columns = [number[], Column, Column, Column, Column, number[]];

/** Aligned columns for the chart: x (seconds), readings, window LAeq, window L10, window L90, threshold; gaps are null.
 * L10 and L90 draw the band a window's levels spent 80 % of its covered time in. */
export function chartColumns(chart: ChartSeries, threshold: number): Columns {
  const points = new Map<number, { reading: number | null; window: LevelView | null }>();
  for (const tick of chart.readings) {
    const x = Date.parse(tick.measuredAt) / 1000;
    points.set(x, { reading: tick.laeq, window: points.get(x)?.window ?? null });
  }
  for (const level of chart.levels) {
    const x = Date.parse(level.windowEnd) / 1000;
    points.set(x, { reading: points.get(x)?.reading ?? null, window: level });
  }
  const xs = [...points.keys()].sort((a, b) => a - b);
  return [
    xs,
    xs.map((x) => points.get(x)!.reading),
    xs.map((x) => points.get(x)!.window?.laeq ?? null),
    xs.map((x) => points.get(x)!.window?.l10 ?? null),
    xs.map((x) => points.get(x)!.window?.l90 ?? null),
    xs.map(() => threshold),
  ];
}
