import { describe, expect, it } from "vitest";
import { announcement } from "./announce";
import type { AlertChange } from "./types";

const raised: AlertChange = {
  kind: "raised", alertId: "a-1", sensorId: "s-1", rule: "level", at: "2026-11-30T10:00:00Z", correlationId: "c",
  zone: "residential", severity: "warning", level: 71.24, threshold: 55, message: null, acknowledgedBy: null,
  reason: null,
};

describe("announcement", () => {
  it("says a newly raised alert once, with the sensor's name and level", () => {
    expect(announcement(raised, false, "Main St")).toBe("New warning alert: Level over limit at Main St, 71.2 dB(A).");
  });

  it("says nothing for an alert the page holds already, or for a change that is not a new alert", () => {
    expect(announcement(raised, true, "Main St")).toBeNull();
    expect(announcement({ ...raised, kind: "acknowledged" }, false, "Main St")).toBeNull();
  });
});
