// @vitest-environment happy-dom
import { afterEach, describe, expect, it, vi } from "vitest";
import {
  group, isBusy, localInput, refreshDelay, type Maintenance, MaintenancePanel, type MaintenanceHost, type MaintenanceStep,
  stepText, toInstant,
} from "./maintenance";

const now = new Date("2026-12-01T12:00:00Z");

function step(extra: Partial<MaintenanceStep> = {}): MaintenanceStep {
  return {
    participant: "processing", action: "begin", outcome: "done", attempts: 1, startedAt: "2026-12-01T11:00:00Z",
    finishedAt: "2026-12-01T11:00:01Z", detail: null, ...extra,
  };
}

function maintenance(extra: Partial<Maintenance> = {}): Maintenance {
  return {
    maintenanceId: "m1", sensorId: "dev-001", from: "2026-11-30T11:00:00Z", to: "2026-12-01T15:00:00Z",
    reason: "Replacing the microphone", requestedBy: "operator", state: "active", detail: null,
    steps: [step(), step({ participant: "alerting" }), step({ participant: "history" })],
    createdAt: "2026-12-01T10:59:00Z", updatedAt: "2026-12-01T11:00:03Z", ...extra,
  };
}

function answer(status: number, body?: unknown): Response {
  return new Response(body === undefined ? null : JSON.stringify(body),
    { status, headers: { "Content-Type": "application/json" } });
}

function host(user: string | null = "operator"): MaintenanceHost & { notes: string[]; signIns: number } {
  const h = {
    notes: [] as string[],
    signIns: 0,
    user: () => user,
    signIn: () => {
      h.signIns++;
    },
    notify: (text: string) => {
      h.notes.push(text);
    },
  };
  return h;
}

describe("stepText", () => {
  it("says who did what and how it went, in words", () => {
    expect(stepText(step())).toBe("Processing: begin, done");
    expect(stepText(step({ outcome: "pending", finishedAt: null }))).toBe("Processing: begin, waiting");
    expect(stepText(step({ participant: "history", outcome: "timed-out", attempts: 3 })))
      .toBe("History: begin, no answer (3 attempts)");
    expect(stepText(step({ participant: "alerting", outcome: "refused", detail: "sensor unknown" })))
      .toBe("Alerting: begin, refused: sensor unknown");
    expect(stepText(step({ action: "compensate" }))).toBe("Processing: undo, done");
    expect(stepText(step({ action: "end", participant: "other" }))).toBe("other: end, done");
  });
});

describe("group", () => {
  it("puts under-way ones first, then those not begun, then those over, undone or failed", () => {
    const items = [
      maintenance({ maintenanceId: "ended", state: "ended", updatedAt: "2026-11-30T10:00:00Z" }),
      maintenance({ maintenanceId: "later", from: "2026-12-02T08:00:00Z", to: "2026-12-02T10:00:00Z" }),
      maintenance({ maintenanceId: "now" }),
      maintenance({ maintenanceId: "undone", state: "compensated", updatedAt: "2026-12-01T09:00:00Z" }),
      maintenance({ maintenanceId: "soon", state: "starting", from: "2026-12-01T13:00:00Z" }),
      maintenance({ maintenanceId: "ending", state: "ending", from: "2026-12-01T13:00:00Z" }),
    ];

    const { current, upcoming, recent } = group(items, now);

    expect(current.map((m) => m.maintenanceId)).toEqual(["now", "ending"]);
    expect(upcoming.map((m) => m.maintenanceId)).toEqual(["soon", "later"]);
    expect(recent.map((m) => m.maintenanceId)).toEqual(["undone", "ended"]);
  });

  it("is busy only while starting or ending", () => {
    expect(["starting", "active", "ending", "ended", "failed", "compensated"]
      .map((state) => isBusy(maintenance({ state: state as Maintenance["state"] }))))
      .toEqual([true, false, true, false, false, false]);
  });
});

describe("refreshDelay", () => {
  it("asks soon while one is busy, just after the next boundary of an active one, at most hourly, else never", () => {
    expect(refreshDelay([maintenance(), maintenance({ state: "ending" })], now)).toBe(2_000);
    // Active until 15:00 (3 h away): asked again after an hour, then closer.
    expect(refreshDelay([maintenance()], now)).toBe(3_600_000);
    expect(refreshDelay([maintenance({ to: "2026-12-01T12:10:00Z" })], now)).toBe(600_000 + 5_000);
    expect(refreshDelay([maintenance({ from: "2026-12-01T12:01:00Z" })], now)).toBe(60_000 + 5_000);
    expect(refreshDelay([maintenance({ state: "ended" }), maintenance({ state: "failed" })], now)).toBeNull();
    expect(refreshDelay([], now)).toBeNull();
  });
});

describe("form times", () => {
  it("turns the local input into an instant with an offset and back", () => {
    const local = localInput(new Date(2026, 11, 1, 9, 5));
    expect(local).toBe("2026-12-01T09:05");
    expect(toInstant(local)).toBe(new Date(2026, 11, 1, 9, 5).toISOString());
    expect(toInstant(local)!.endsWith("Z")).toBe(true);
    expect(toInstant("")).toBeNull();
    expect(toInstant("not a time")).toBeNull();
  });
});

describe("MaintenancePanel", () => {
  afterEach(() => {
    vi.unstubAllGlobals();
    vi.useRealTimers();
  });

  it("shows the sensor's maintenances with state, period, reason and steps", async () => {
    const fetch = vi.fn().mockResolvedValue(answer(200, { items: [
      maintenance({ state: "failed", detail: "History could not undo its step" }),
    ] }));
    vi.stubGlobal("fetch", fetch);
    const panel = new MaintenancePanel(host(null));

    panel.show("dev-001");
    await vi.waitFor(() => expect(panel.root.dataset.state).toBe("loaded"));

    expect(fetch).toHaveBeenCalledWith("/api/sensors/dev-001/maintenance", expect.anything());
    const item = panel.root.querySelector<HTMLElement>("[data-testid=maintenance-item]")!;
    expect(item.dataset.state).toBe("failed");
    expect(item.querySelector("[data-testid=maintenance-state]")!.textContent).toBe("Failed: an operator must look");
    expect(item.querySelector("[data-testid=maintenance-reason]")!.textContent).toBe("Replacing the microphone");
    expect(item.querySelector("[data-testid=maintenance-detail]")!.textContent)
      .toBe("History could not undo its step");
    expect(item.querySelectorAll("time")).toHaveLength(2);
    const steps = [...item.querySelectorAll("[data-testid=maintenance-steps] li")].map((li) => li.textContent);
    expect(steps).toEqual(["✓ Processing: begin, done", "✓ Alerting: begin, done", "✓ History: begin, done"]);
    // The mark only repeats the words.
    expect(item.querySelector("[data-testid=maintenance-steps] [aria-hidden=true]")!.textContent).toBe("✓ ");
    panel.close();
  });

  it("asks again while a maintenance is starting, and stops once it is active", async () => {
    vi.useFakeTimers();
    const fetch = vi.fn()
      .mockResolvedValueOnce(answer(200, { items: [maintenance({ state: "starting",
        steps: [step({ outcome: "pending", finishedAt: null })] })] }))
      .mockResolvedValueOnce(answer(200, { items: [maintenance()] }));
    vi.stubGlobal("fetch", fetch);
    const panel = new MaintenancePanel(host());

    panel.show("dev-001");
    await vi.waitFor(() => expect(panel.root.textContent).toContain("Processing: begin, waiting"));
    await vi.advanceTimersByTimeAsync(2_000);
    await vi.waitFor(() => expect(panel.root.querySelector("[data-state=active]")).not.toBeNull());
    await vi.advanceTimersByTimeAsync(60_000);

    expect(fetch).toHaveBeenCalledTimes(2);
    panel.close();
  });

  it("says when there is none, and when Alerting does not answer", async () => {
    vi.stubGlobal("fetch", vi.fn()
      .mockResolvedValueOnce(answer(200, { items: [] }))
      .mockResolvedValueOnce(answer(503, { title: "Alerting did not answer in time." })));
    const panel = new MaintenancePanel(host());

    panel.show("dev-001");
    await vi.waitFor(() => expect(panel.root.querySelector("[data-testid=maintenance-empty]")).not.toBeNull());
    panel.show("dev-002");
    await vi.waitFor(() => expect(panel.root.dataset.state).toBe("error"));
    expect(panel.root.textContent).toContain("Alerting is not answering right now");
    panel.close();
  });

  it("offers a viewer the sign-in instead of the form and no End button", async () => {
    vi.stubGlobal("fetch", vi.fn().mockResolvedValue(answer(200, { items: [maintenance()] })));
    const viewer = host(null);
    const panel = new MaintenancePanel(viewer);

    panel.show("dev-001");
    await vi.waitFor(() => expect(panel.root.dataset.state).toBe("loaded"));

    expect(panel.root.querySelector("form")).toBeNull();
    expect(panel.root.querySelector("[data-testid=maintenance-end]")).toBeNull();
    panel.root.querySelector<HTMLButtonElement>("[data-testid=maintenance-sign-in]")!.click();
    expect(viewer.signIns).toBe(1);
    panel.close();
  });

  it("starts maintenance with instants and a key, shows the problem's words, and repeats with the same key",
    async () => {
      const fetch = vi.fn()
        .mockResolvedValueOnce(answer(200, { items: [] }))
        .mockResolvedValueOnce(answer(400, { title: "One or more validation errors occurred.",
          errors: { to: ["A maintenance lasts at most 30 days (Dashboard:MaxMaintenanceDuration)."] } }))
        .mockResolvedValueOnce(answer(503, { title: "Alerting did not answer in time." }))
        .mockResolvedValueOnce(answer(202, { maintenanceId: "m9" }))
        .mockResolvedValueOnce(answer(200, { items: [maintenance({ maintenanceId: "m9", state: "starting" })] }));
      vi.stubGlobal("fetch", fetch);
      const operator = host();
      const panel = new MaintenancePanel(operator);
      panel.show("dev-001");
      await vi.waitFor(() => expect(panel.root.dataset.state).toBe("loaded"));
      const form = panel.root.querySelector<HTMLFormElement>("form")!;
      panel.root.querySelector<HTMLInputElement>("[data-testid=maintenance-from]")!.value = "2026-12-01T13:00";
      panel.root.querySelector<HTMLInputElement>("[data-testid=maintenance-to]")!.value = "2026-12-01T15:30";
      panel.root.querySelector<HTMLTextAreaElement>("[data-testid=maintenance-reason-input]")!.value = " Mast ";
      const error = panel.root.querySelector<HTMLElement>("[data-testid=maintenance-form-error]")!;

      form.requestSubmit();
      await vi.waitFor(() => expect(error.hidden).toBe(false));
      expect(error.textContent).toContain("A maintenance lasts at most 30 days");
      const [url, init] = fetch.mock.calls[1] as [string, RequestInit];
      expect(url).toBe("/api/maintenance");
      expect(init.method).toBe("POST");
      expect(JSON.parse(init.body as string)).toEqual({ sensorId: "dev-001",
        from: new Date("2026-12-01T13:00").toISOString(), to: new Date("2026-12-01T15:30").toISOString(),
        reason: "Mast" });
      const key = (init.headers as Record<string, string>)["Idempotency-Key"];
      expect(key).toBeTruthy();

      form.requestSubmit();
      await vi.waitFor(() => expect(error.textContent).toContain("Submitting again is safe"));
      form.requestSubmit();
      await vi.waitFor(() => expect(panel.root.querySelector("[data-maintenance-id=m9]")).not.toBeNull());

      const keys = fetch.mock.calls.slice(1, 4)
        .map(([, i]) => ((i as RequestInit).headers as Record<string, string>)["Idempotency-Key"]);
      expect(keys).toEqual([key, key, key]);
      expect(operator.notes).toEqual(["Maintenance requested: the participants are being asked."]);
      panel.close();
    });

  it("ends an active maintenance with DELETE and loads again", async () => {
    const fetch = vi.fn()
      .mockResolvedValueOnce(answer(200, { items: [maintenance()] }))
      .mockResolvedValueOnce(answer(202, maintenance({ state: "ending" })))
      .mockResolvedValueOnce(answer(200, { items: [maintenance({ state: "ending" })] }));
    vi.stubGlobal("fetch", fetch);
    const panel = new MaintenancePanel(host());
    panel.show("dev-001");
    await vi.waitFor(() => expect(panel.root.dataset.state).toBe("loaded"));

    const end = panel.root.querySelector<HTMLButtonElement>("[data-testid=maintenance-end]")!;
    expect(end.textContent).toBe("End now");
    end.click();
    await vi.waitFor(() => expect(panel.root.querySelector("[data-state=ending]")).not.toBeNull());

    const [url, init] = fetch.mock.calls[1] as [string, RequestInit];
    expect(url).toBe("/api/maintenance/m1");
    expect(init.method).toBe("DELETE");
    expect(panel.root.querySelector("[data-testid=maintenance-end]")).toBeNull();
    panel.close();
  });
});
