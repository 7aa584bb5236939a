import { describe, expect, it } from "vitest";
import {
  applyAlertChange,
  applyLevel,
  applyReadings,
  applySensorStatus,
  applySnapshot,
  chartColumns,
  emptyState,
  resolvedKept,
  setChart,
  sortedAlerts,
  summarize,
  takeNewSensors,
} from "./state";
import type { AlertChange, AlertSummary, LevelView, ReadingTick, SensorView, Snapshot } from "./types";

const sensor = (id: string, extra: Partial<SensorView> = {}): SensorView => ({
  id, name: `Sensor ${id}`, zone: "commercial", location: { lat: 48.2, lon: 16.37 }, threshold: 65,
  reading: null, level: null, exceeded: false, fault: null, exceededRules: [], ...extra,
});
const tick = (sensorId: string, laeq: number, measuredAt = "2026-11-23T10:00:00.000Z"): ReadingTick =>
  ({ sensorId, laeq, lamax: laeq + 3, measuredAt });
const summary = (alertId: string, extra: Partial<AlertSummary> = {}): AlertSummary => ({
  alertId, sensorId: "s1", zone: "commercial", rule: "level", severity: "warning", state: "open", level: 70, threshold: 65,
  message: "too loud", raisedAt: "2026-11-23T10:00:00.000Z", updatedAt: "2026-11-23T10:00:00.000Z", acknowledgedBy: null,
  correlationId: `corr-${alertId}`, ...extra,
});
const change = (kind: AlertChange["kind"], alertId: string, extra: Partial<AlertChange> = {}): AlertChange => ({
  kind, alertId, sensorId: "s1", rule: "level", at: "2026-11-23T10:05:00.000Z", correlationId: `corr-${alertId}`, zone: "commercial",
  severity: "warning", level: 71, threshold: 65, message: "loud", acknowledgedBy: null, reason: null, ...extra,
});
const snapshot = (extra: Partial<Snapshot> = {}): Snapshot => ({
  sensors: [sensor("s1"), sensor("s2")], alerts: [], alertsError: null, kibanaUrl: "http://kibana:5601", user: null,
  pushIntervalMs: 500, serverTime: "2026-11-23T10:00:00.000Z", alertsTotal: null, ...extra,
});

describe("applySnapshot", () => {
  it("loads sensors and open alerts and selects the sensor furthest over its limit", () => {
    const state = emptyState();
    applySnapshot(state, snapshot({
      sensors: [sensor("s1", { reading: tick("s1", 60) }), sensor("s2", { reading: tick("s2", 72) }), sensor("s3")],
      alerts: [summary("a1")],
    }));
    expect([...state.sensors.keys()]).toEqual(["s1", "s2", "s3"]);
    expect(state.alerts.get("a1")?.state).toBe("open");
    expect(state.selected).toBe("s2");
    expect(state.kibanaUrl).toBe("http://kibana:5601");
  });

  it("replaces open alerts on re-sync but keeps recently resolved ones and a newer live reading", () => {
    const state = emptyState();
    applySnapshot(state, snapshot({ alerts: [summary("a1"), summary("a2")] }));
    applyAlertChange(state, change("resolved", "a2"));
    applyReadings(state, [tick("s1", 80, "2026-11-23T10:10:00.000Z")]);
    applySnapshot(state, snapshot({ sensors: [sensor("s1", { reading: tick("s1", 50, "2026-11-23T10:09:00.000Z") })], alerts: [summary("a3")] }));
    expect([...state.alerts.keys()].sort()).toEqual(["a2", "a3"]);
    expect(state.alerts.get("a2")?.state).toBe("resolved");
    expect(state.sensors.get("s1")?.reading?.laeq).toBe(80);
  });

  it("keeps the feed and reports the error when Alerting did not answer", () => {
    const state = emptyState();
    applySnapshot(state, snapshot({ alerts: [summary("a1")] }));
    applySnapshot(state, snapshot({ alerts: null, alertsError: "Alerting did not answer" }));
    expect(state.alerts.has("a1")).toBe(true);
    expect(state.alertsError).toBe("Alerting did not answer");
  });
});

describe("live pushes", () => {
  it("never moves a sensor's value backwards and feeds the chart of the selected sensor", () => {
    const state = emptyState();
    applySnapshot(state, snapshot());
    state.selected = "s1";
    setChart(state, { sensorId: "s1", readings: [], levels: [] });
    expect(applyReadings(state, [tick("s1", 70, "2026-11-23T10:00:02.000Z"), tick("s2", 50)])).toEqual(["s1", "s2"]);
    expect(applyReadings(state, [tick("s1", 40, "2026-11-23T10:00:01.000Z")])).toEqual([]);
    expect(state.sensors.get("s1")?.reading?.laeq).toBe(70);
    expect(state.chart?.readings.map((r) => r.laeq)).toEqual([70]);
  });

  it("takes the threshold Processing applied from a window level", () => {
    const state = emptyState();
    applySnapshot(state, snapshot());
    const level: LevelView = { sensorId: "s1", windowStart: "2026-11-23T10:00:00Z", windowEnd: "2026-11-23T10:01:00Z",
      laeq: 58, lamax: 70, count: 60, threshold: 55, period: "night", l10: 61, l50: 57, l90: 52, coverage: 1 };
    applyLevel(state, level);
    expect(state.sensors.get("s1")?.threshold).toBe(55);
    expect(state.sensors.get("s1")?.level?.laeq).toBe(58);
  });

  it("marks faults and exceedances, and a reading ends an offline fault", () => {
    const state = emptyState();
    applySnapshot(state, snapshot());
    applySensorStatus(state, { sensorId: "s1", status: "fault", fault: "offline", rule: null, detail: null, level: null, threshold: null, at: "" });
    applySensorStatus(state, { sensorId: "s2", status: "exceeded", fault: null, rule: "level", detail: null, level: 70, threshold: 65, at: "" });
    expect(summarize(state)).toMatchObject({ faults: 1 });
    expect(state.sensors.get("s2")?.exceeded).toBe(true);
    applyReadings(state, [tick("s1", 50)]);
    expect(state.sensors.get("s1")?.fault).toBeNull();
  });
});

describe("alert changes", () => {
  it("follows an alert from raised through acknowledged to resolved", () => {
    const state = emptyState();
    applySnapshot(state, snapshot());
    applyAlertChange(state, change("raised", "a1"));
    expect(state.alerts.get("a1")).toMatchObject({ state: "open", level: 71, correlationId: "corr-a1" });
    applyAlertChange(state, change("escalated", "a1", { severity: "critical", level: 80 }));
    expect(state.alerts.get("a1")).toMatchObject({ severity: "critical", level: 80 });
    applyAlertChange(state, change("acknowledged", "a1", { acknowledgedBy: "operator" }));
    expect(state.alerts.get("a1")).toMatchObject({ state: "acknowledged", acknowledgedBy: "operator" });
    applyAlertChange(state, change("resolved", "a1"));
    expect(state.alerts.get("a1")?.state).toBe("resolved");
    expect(summarize(state).openAlerts).toBe(0);
  });

  it("clears a fault chip when its fault alert resolves, also one the page never saw raised", () => {
    const state = emptyState();
    applySnapshot(state, snapshot());
    applySensorStatus(state, { sensorId: "s1", status: "fault", fault: "stuck", rule: null, detail: null, level: null, threshold: null, at: "" });
    applySensorStatus(state, { sensorId: "s2", status: "fault", fault: "stuck", rule: null, detail: null, level: null, threshold: null, at: "" });
    applyAlertChange(state, change("raised", "f1", { rule: "sensor-fault" }));
    applyAlertChange(state, change("resolved", "f1", { rule: "sensor-fault" }));
    applyAlertChange(state, change("resolved", "f2", { rule: "sensor-fault", sensorId: "s2" }));
    expect(state.sensors.get("s1")?.fault).toBeNull();
    expect(state.sensors.get("s2")?.fault).toBeNull();
    expect(summarize(state).faults).toBe(0);
  });

  it("does not raise an alert twice or revive a resolved one", () => {
    const state = emptyState();
    applyAlertChange(state, change("raised", "a1", { level: 70 }));
    applyAlertChange(state, change("raised", "a1", { level: 99 }));
    applyAlertChange(state, change("resolved", "a1"));
    applyAlertChange(state, change("acknowledged", "a1"));
    expect(state.alerts.get("a1")).toMatchObject({ level: 70, state: "resolved" });
  });

  it("orders open before acknowledged before resolved, critical first, newest first", () => {
    const state = emptyState();
    applySnapshot(state, snapshot({
      alerts: [
        summary("old-warning", { raisedAt: "2026-11-23T09:00:00Z" }),
        summary("new-warning", { raisedAt: "2026-11-23T10:00:00Z" }),
        summary("critical", { severity: "critical", raisedAt: "2026-11-23T08:00:00Z" }),
        summary("acked", { state: "acknowledged", severity: "critical" }),
      ],
    }));
    expect(sortedAlerts(state).map((a) => a.alertId)).toEqual(["critical", "new-warning", "old-warning", "acked"]);
  });

  it(`keeps at most ${resolvedKept} resolved alerts`, () => {
    const state = emptyState();
    for (let i = 0; i < resolvedKept + 5; i++) {
      const at = new Date(Date.UTC(2026, 10, 23, 10, i)).toISOString();
      applyAlertChange(state, change("raised", `a${i}`, { at }));
      applyAlertChange(state, change("resolved", `a${i}`, { at }));
    }
    expect(state.alerts.size).toBe(resolvedKept);
    expect(state.alerts.has("a0")).toBe(false);
    expect(state.alerts.has(`a${resolvedKept + 4}`)).toBe(true);
  });
});

describe("chartColumns", () => {
  it("aligns readings and window levels with their L10 and L90 on one time axis with the threshold", () => {
    const [xs, readings, levels, l10, l90, threshold] = chartColumns({
      sensorId: "s1",
      readings: [tick("s1", 60, "2026-11-23T10:00:30.000Z"), tick("s1", 62, "2026-11-23T10:01:00.000Z")],
      levels: [{ sensorId: "s1", windowStart: "2026-11-23T10:00:00Z", windowEnd: "2026-11-23T10:01:00.000Z",
        laeq: 61, lamax: 70, count: 2, threshold: 65, period: "day", l10: 62, l50: 61.5, l90: 60, coverage: 1 / 30 }],
    }, 65);
    expect(xs).toEqual([Date.parse("2026-11-23T10:00:30Z") / 1000, Date.parse("2026-11-23T10:01:00Z") / 1000]);
    expect(readings).toEqual([60, 62]);
    expect(levels).toEqual([null, 61]);
    expect(l10).toEqual([null, 62]);
    expect(l90).toEqual([null, 60]);
    expect(threshold).toEqual([65, 65]);
  });
});

describe("a page that stays right after re-syncs (issue 14)", () => {
  const level = (sensorId: string, windowEnd: string, laeq = 60): LevelView => ({
    sensorId, windowStart: windowEnd, windowEnd, laeq, lamax: laeq + 5, count: 60, threshold: 65, period: "day",
    l10: laeq + 2, l50: laeq, l90: laeq - 2, coverage: 1,
  });

  it("keeps its newer window when a snapshot brings an older one", () => {
    const state = emptyState();
    applySnapshot(state, snapshot());
    applyLevel(state, level("s1", "2026-11-23T10:10:00.000Z", 70));
    applySnapshot(state, snapshot({ sensors: [sensor("s1", { level: level("s1", "2026-11-23T10:09:00.000Z", 50) })] }));
    expect(state.sensors.get("s1")?.level?.laeq).toBe(70);
  });

  it("keeps one exceeded flag per rule: clearing the level rule leaves the spike-rate rule exceeded", () => {
    const state = emptyState();
    applySnapshot(state, snapshot());
    const status = (kind: "exceeded" | "cleared", rule: "level" | "spike-rate") => applySensorStatus(state, {
      sensorId: "s1", status: kind, rule, fault: null, detail: null, level: 70, threshold: 65, at: "2026-11-23T10:00:00.000Z",
    });
    status("exceeded", "level");
    status("exceeded", "spike-rate");
    status("cleared", "level");
    expect(state.sensors.get("s1")?.exceeded).toBe(true);
    status("cleared", "spike-rate");
    expect(state.sensors.get("s1")?.exceeded).toBe(false);
  });

  it("takes exceeded rules from the snapshot", () => {
    const state = emptyState();
    applySnapshot(state, snapshot({ sensors: [sensor("s1", { exceeded: true, exceededRules: ["spike-rate"] })] }));
    applySensorStatus(state, {
      sensorId: "s1", status: "cleared", rule: "level", fault: null, detail: null, level: 60, threshold: 65, at: "2026-11-23T10:00:00.000Z",
    });
    expect(state.sensors.get("s1")?.exceeded).toBe(true);
  });

  it("does not let a duplicate raised revive an alert already pruned from the feed", () => {
    const state = emptyState();
    applySnapshot(state, snapshot());
    applyAlertChange(state, change("raised", "old", { at: "2026-11-23T09:00:00.000Z" }));
    applyAlertChange(state, change("resolved", "old", { at: "2026-11-23T09:01:00.000Z" }));
    for (let i = 0; i < resolvedKept; i++) {
      applyAlertChange(state, change("raised", `a${i}`));
      applyAlertChange(state, change("resolved", `a${i}`));
    }
    expect(state.alerts.has("old")).toBe(false);
    applyAlertChange(state, change("raised", "old", { at: "2026-11-23T09:00:00.000Z" }));
    expect(state.alerts.has("old")).toBe(false);
  });

  it("reports a sensor first seen after load, so the page draws a tile for it", () => {
    const state = emptyState();
    applySnapshot(state, snapshot());
    applyReadings(state, [tick("s1", 60), tick("s9", 61)]);
    applyLevel(state, level("s8", "2026-11-23T10:10:00.000Z"));
    expect(takeNewSensors(state)).toEqual(["s9", "s8"]);
    expect(takeNewSensors(state)).toEqual([]);
  });

  it("says when it shows only the first open alerts", () => {
    const state = emptyState();
    applySnapshot(state, snapshot({ alerts: [summary("a1"), summary("a2")], alertsTotal: 5 }));
    expect(state.alertsNote).toContain("first 2 of 5");
    applySnapshot(state, snapshot({ alerts: [summary("a1")], alertsTotal: 1 }));
    expect(state.alertsNote).toBeNull();
  });
});
