// What the Dashboard's history API returns (services/Nop.Dashboard/History): JSON with camelCase names.

/** One point of `/api/history/sensors/{id}/levels`: dB(A) values, null where nothing was covered. */
export interface LevelPoint {
  start: string;
  end: string;
  laeq: number | null;
  lamax: number | null;
  l10: number | null;
  l50: number | null;
  l90: number | null;
  coverage: number;
}

/** One alert of `/api/alerts/sensors/{id}` (Alerting's AlertSummary), with the acknowledging operator's comment. */
export interface AlertHistoryItem {
  alertId: string;
  sensorId: string;
  rule: string;
  severity: "info" | "warning" | "critical";
  state: "open" | "acknowledged" | "resolved";
  level: number;
  threshold: number;
  message: string;
  raisedAt: string;
  updatedAt: string;
  acknowledgedBy: string | null;
  /** The operator's comment with the acknowledgement (absent from an older Alerting). */
  acknowledgeComment?: string | null;
  correlationId: string;
}

export interface AlertHistoryPage {
  items: AlertHistoryItem[];
  page: number;
  pageSize: number;
  total: number;
  hasMore?: boolean;
}
