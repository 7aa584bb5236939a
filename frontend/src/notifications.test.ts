// @vitest-environment happy-dom
import { afterEach, describe, expect, it, vi } from "vitest";
import {
  AlertNotificationsList, type NotificationEntry, refreshDelay, renderNotifications, stageLabel, statusText, whenText,
} from "./notifications";

const now = new Date("2026-11-30T12:30:00Z");

function entry(extra: Partial<NotificationEntry> = {}): NotificationEntry {
  return {
    subscription: "ops-mail", channel: "email", recipient: "o•••@nop.local", stage: "raised", status: "delivered",
    plannedAt: "2026-11-30T12:00:00Z", dueAt: "2026-11-30T12:00:00Z", deliveredAt: "2026-11-30T12:00:02Z",
    attempts: 1, detail: null, ...extra,
  };
}

function text(elements: HTMLElement[]): string {
  return elements.map((e) => e.textContent).join(" ");
}

describe("stageLabel and statusText", () => {
  it("names the stages", () => {
    expect(["raised", "escalation-2", "acknowledged", "resolved", "other"].map(stageLabel))
      .toEqual(["Raised", "Escalation 2", "Acknowledged", "Resolved", "other"]);
  });

  it("says each status in words, with the hold's end and the failure's detail", () => {
    expect(statusText(entry(), now)).toBe("delivered");
    expect(statusText(entry({ status: "sending", deliveredAt: null }), now)).toBe("sending");
    expect(statusText(entry({ status: "sending", attempts: 3 }), now)).toBe("sending (attempt 3)");
    expect(statusText(entry({ status: "held", dueAt: "2026-11-30T21:00:00Z" }), now))
      .toBe(`held until ${whenText("2026-11-30T21:00:00Z", now)}`);
    expect(statusText(entry({ status: "failed", detail: "HTTP 410 Gone" }), now)).toBe("failed: HTTP 410 Gone");
    expect(statusText(entry({ status: "failed" }), now)).toBe("failed");
    expect(statusText(entry({ status: "dropped" }), now)).toBe("dropped");
  });

  it("writes today's times as a clock and other days with their date", () => {
    expect(whenText("2026-11-30T12:00:02Z", now)).toMatch(/^\d\d:\d\d:\d\d$/);
    expect(whenText("2026-11-27T12:00:00Z", now)).toMatch(/27/);
  });
});

describe("renderNotifications", () => {
  it("lists each notification with stage, channel, recipient, times and status", () => {
    const items = [entry(), entry({ subscription: "ops-hook", channel: "webhook", recipient: "127.0.0.1:5098",
      status: "failed", deliveredAt: null, attempts: 5, detail: "HTTP 410 Gone" })];
    const [list, masked] = renderNotifications({ kind: "loaded",
      value: { alertId: "a", recipientsMasked: true, items } }, now);

    const rows = list.querySelectorAll("[data-testid=notification]");
    expect(rows).toHaveLength(2);
    expect(rows[0].textContent).toContain("Raised");
    expect(rows[0].textContent).toContain("E-mail");
    expect(rows[0].querySelector("[data-testid=notification-recipient]")!.textContent).toBe("o•••@nop.local");
    expect(rows[0].querySelectorAll("time")).toHaveLength(2);
    expect(rows[0].textContent).toContain(", delivered ");
    expect(rows[1].querySelector("[data-testid=notification-channel]")!.textContent).toBe("Webhook");
    expect(rows[1].querySelector("[data-testid=notification-status]")!.textContent).toBe("✕ failed: HTTP 410 Gone");
    expect(rows[1].querySelectorAll("time")).toHaveLength(1);
    // The mark is decoration; the words are what assistive technology reads.
    expect(rows[1].querySelector("[aria-hidden=true]")!.textContent).toBe("✕ ");
    expect(masked.textContent).toContain("sign in");
  });

  it("says nobody was notified, and shows an error as text", () => {
    expect(text(renderNotifications({ kind: "loaded", value: { alertId: "a", recipientsMasked: false, items: [] } })))
      .toBe("Nobody was notified.");
    const [error] = renderNotifications({ kind: "error", message: "Notifier is not answering" });
    expect(error.dataset.testid).toBe("notifications-error");
    expect(error.textContent).toBe("Notifier is not answering");
  });

  it("does not mention masking for a signed-in operator", () => {
    const parts = renderNotifications({ kind: "loaded", value: { alertId: "a", recipientsMasked: false,
      items: [entry({ recipient: "operator@nop.local" })] } }, now);
    expect(parts).toHaveLength(1);
    expect(parts[0].textContent).toContain("operator@nop.local");
  });
});

describe("refreshDelay", () => {
  const loaded = (...items: NotificationEntry[]) =>
    ({ kind: "loaded", value: { alertId: "a", recipientsMasked: false, items } }) as const;

  it("asks again soon while sending, later while held, and not once everything is settled", () => {
    expect(refreshDelay(loaded(entry({ status: "sending" }), entry({ status: "held" })))).toBe(5_000);
    expect(refreshDelay(loaded(entry({ status: "held" })))).toBe(30_000);
    expect(refreshDelay(loaded(entry(), entry({ status: "failed" }), entry({ status: "dropped" })))).toBeNull();
    expect(refreshDelay({ kind: "error", message: "x" })).toBeNull();
  });
});

describe("AlertNotificationsList", () => {
  afterEach(() => {
    vi.unstubAllGlobals();
    vi.useRealTimers();
  });

  function answer(status: number, body: unknown): Response {
    return new Response(JSON.stringify(body), { status, headers: { "Content-Type": "application/json" } });
  }

  it("loads when opened, asks again while sending, and stops when closed", async () => {
    vi.useFakeTimers();
    const fetch = vi.fn()
      .mockResolvedValueOnce(answer(200, { alertId: "a1", recipientsMasked: false,
        items: [entry({ status: "sending", deliveredAt: null })] }))
      .mockResolvedValueOnce(answer(200, { alertId: "a1", recipientsMasked: false, items: [entry()] }));
    vi.stubGlobal("fetch", fetch);
    const list = new AlertNotificationsList("a1");

    list.toggle();
    await vi.waitFor(() => expect(list.root.dataset.state).toBe("loaded"));
    expect(fetch).toHaveBeenCalledWith("/api/alerts/a1/notifications", expect.anything());
    expect(list.root.textContent).toContain("sending");

    await vi.advanceTimersByTimeAsync(5_000);
    await vi.waitFor(() => expect(list.root.textContent).toContain("✓ delivered"));
    expect(fetch).toHaveBeenCalledTimes(2);

    await vi.advanceTimersByTimeAsync(60_000);
    expect(fetch).toHaveBeenCalledTimes(2);
    list.close();
    expect(list.root.hidden).toBe(true);
  });

  it("asks again when the operator signs in, and then shows the recipients in full", async () => {
    const fetch = vi.fn()
      .mockResolvedValueOnce(answer(200, { alertId: "a3", recipientsMasked: true, items: [entry()] }))
      .mockResolvedValueOnce(answer(200, { alertId: "a3", recipientsMasked: false,
        items: [entry({ recipient: "operator@nop.local" })] }));
    vi.stubGlobal("fetch", fetch);
    const list = new AlertNotificationsList("a3");
    list.sessionChanged(); // closed: nothing to ask
    expect(fetch).not.toHaveBeenCalled();

    list.toggle();
    await vi.waitFor(() => expect(list.root.textContent).toContain("o•••@nop.local"));
    list.sessionChanged();
    await vi.waitFor(() => expect(list.root.textContent).toContain("operator@nop.local"));
    expect(list.root.textContent).not.toContain("sign in as an operator");
    expect(fetch).toHaveBeenCalledTimes(2);
    list.close();
  });

  it("says Notifier is not answering on a 503", async () => {
    vi.stubGlobal("fetch", vi.fn().mockResolvedValue(answer(503, { title: "Notifier did not answer in time." })));
    const list = new AlertNotificationsList("a2");

    list.toggle();
    await vi.waitFor(() => expect(list.root.dataset.state).toBe("error"));
    expect(list.root.textContent).toContain("Notifier is not answering right now");
    list.close();
  });
});
