// What the Dashboard's hub sends (services/Nop.Dashboard/Hub/Views.cs and the AlertSummary contract).

export type Zone = "residential" | "commercial" | "industrial" | "quiet";
export type AlertSeverity = "info" | "warning" | "critical";
export type AlertState = "open" | "acknowledged" | "resolved";
export type AlertRule = "level" | "spike-rate" | "spike" | "sensor-fault";
export type SensorFault = "stuck" | "implausible" | "offline";
export type AcknowledgeOutcome =
  "acknowledged" | "already-acknowledged" | "already-resolved" | "not-found" | "forbidden";

export interface GeoLocation {
  lat: number;
  lon: number;
}

export interface ReadingTick {
  sensorId: string;
  laeq: number;
  lamax: number | null;
  measuredAt: string;
}

export interface LevelView {
  sensorId: string;
  windowStart: string;
  windowEnd: string;
  laeq: number;
  lamax: number;
  count: number;
  threshold: number;
  period: "day" | "evening" | "night";
  l10: number;
  /** Null for a window from a Processing older than the level distribution, like coverage. */
  l50: number | null;
  l90: number;
  /** Covered seconds ÷ window length, 0–1. */
  coverage: number | null;
}

export interface SensorStatusView {
  sensorId: string;
  status: "exceeded" | "cleared" | "fault";
  rule: AlertRule | null;
  fault: SensorFault | null;
  detail: string | null;
  level: number | null;
  threshold: number | null;
  at: string;
}

export interface AlertChange {
  kind: "raised" | "escalated" | "acknowledged" | "resolved";
  alertId: string;
  sensorId: string;
  rule: AlertRule;
  at: string;
  correlationId: string;
  zone: Zone | null;
  severity: AlertSeverity | null;
  level: number | null;
  threshold: number | null;
  message: string | null;
  acknowledgedBy: string | null;
  reason: string | null;
}

export interface AlertSummary {
  alertId: string;
  sensorId: string;
  zone: Zone;
  rule: AlertRule;
  severity: AlertSeverity;
  state: AlertState;
  level: number;
  threshold: number;
  message: string;
  raisedAt: string;
  updatedAt: string;
  acknowledgedBy: string | null;
  correlationId: string;
}

export interface SensorView {
  id: string;
  name: string;
  zone: Zone;
  location: GeoLocation;
  threshold: number;
  reading: ReadingTick | null;
  level: LevelView | null;
  exceeded: boolean;
  fault: SensorFault | null;
  /** Each rule whose threshold is exceeded (from live events and the open alerts). */
  exceededRules: AlertRule[];
}

export interface Snapshot {
  sensors: SensorView[];
  alerts: AlertSummary[] | null;
  alertsError: string | null;
  kibanaUrl: string | null;
  user: string | null;
  pushIntervalMs: number;
  serverTime: string;
  /** How many alerts are open: more than `alerts` holds when there were too many to fetch. */
  alertsTotal: number | null;
}

export interface SensorHistory {
  sensorId: string;
  readings: ReadingTick[];
  levels: LevelView[];
}

export interface AcknowledgeView {
  outcome: AcknowledgeOutcome;
  alert: AlertSummary | null;
}

/** Counts over all sensors, pushed by the hub to every page (a page receives readings only of the sensors it shows). */
export interface SensorsSummary {
  sensors: number;
  reporting: number;
  over: number;
  faults: number;
}
