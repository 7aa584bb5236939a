// The selected sensor's alert history from Alerting (through the Dashboard), with acknowledge-with-comment for
// signed-in operators.
import { getJson } from "./api";
import { byId, el } from "./dom";
import { relativeTime, ruleLabel } from "./format";
import { formatDb } from "./levels";
import type { AlertHistoryItem, AlertHistoryPage } from "./historytypes";
import { AlertNotificationsList } from "./notifications";

export type AcknowledgeWithComment = (alert: AlertHistoryItem, comment: string) => Promise<boolean>;

export class AlertHistory {
  private sensorId: string | null = null;
  private items: AlertHistoryItem[] = [];
  private total = 0;
  private error: string | null = null;
  private commenting: string | null = null;
  private loading: AbortController | null = null;
  private readonly root = byId("alert-history");
  // Each shown alert's "who was notified" list; kept across redraws so an open one stays open.
  private notifications = new Map<string, AlertNotificationsList>();

  constructor(private readonly acknowledge: AcknowledgeWithComment) {}

  show(sensorId: string | null): void {
    if (sensorId === this.sensorId) return;
    this.sensorId = sensorId;
    this.items = [];
    for (const list of this.notifications.values()) list.close();
    this.notifications.clear();
    void this.load();
  }

  /** Loads again (after an acknowledgement, or an alert change of this sensor). */
  async load(): Promise<void> {
    const id = this.sensorId;
    this.loading?.abort();
    if (!id) {
      this.render();
      return;
    }
    const loading = new AbortController();
    this.loading = loading;
    try {
      const page = await getJson<AlertHistoryPage>(
        `/api/alerts/sensors/${encodeURIComponent(id)}?page=1&pageSize=20`, loading.signal);
      if (this.loading !== loading) return;
      this.items = page.items;
      this.total = page.total;
      this.error = null;
    } catch (error) {
      if (this.loading !== loading) return;
      this.error = error instanceof Error ? error.message : String(error);
    }
    this.loading = null;
    this.render();
  }

  get current(): string | null {
    return this.sensorId;
  }

  /** The operator signed in or out: open notifications lists ask again (recipients in full, or masked). */
  sessionChanged(): void {
    for (const list of this.notifications.values()) list.sessionChanged();
  }

  /** An alert of this sensor changed (acknowledged, resolved): its open notifications list asks again. */
  alertChanged(alertId: string): void {
    this.notifications.get(alertId)?.changed();
  }

  private render(): void {
    if (!this.sensorId) {
      this.root.replaceChildren();
      return;
    }
    const now = new Date();
    // Alerts that left the list stop asking Notifier.
    for (const [alertId, list] of this.notifications) {
      if (!this.items.some((a) => a.alertId === alertId)) {
        list.close();
        this.notifications.delete(alertId);
      }
    }
    const more = this.total > this.items.length ? ` (the latest ${this.items.length} of ${this.total})` : "";
    const note = this.error ? el("p", { class: "form-error" }, this.error)
      : this.items.length === 0
        ? el("p", { class: "muted", "data-testid": "alert-history-empty" }, "No alerts for this sensor.")
        : el("p", { class: "muted" }, "Newest first.");
    this.root.replaceChildren(
      el("h3", {}, `Alert history${more}`),
      note,
      el("ol", { class: "history-alerts", "data-testid": "alert-history" },
        ...this.items.map((a) => this.item(a, now))));
  }

  private item(alert: AlertHistoryItem, now: Date): HTMLElement {
    const comment = alert.acknowledgeComment ?? null;
    const state = alert.state === "acknowledged"
      ? `Acknowledged${alert.acknowledgedBy ? ` by ${alert.acknowledgedBy}` : ""}`
      : alert.state === "resolved"
        ? `Resolved${alert.acknowledgedBy ? ` (acknowledged by ${alert.acknowledgedBy})` : ""}`
        : "Open";
    let action: HTMLElement | null = null;
    if (alert.state === "open" && this.commenting === alert.alertId) {
      const text = el("textarea", { rows: 2, required: true, maxlength: 500, "data-testid": "ack-comment" });
      const form = el("form", { class: "ack-form" },
        el("label", {}, "Comment", text),
        el("span", { class: "alert-actions" },
          el("button", { type: "submit", class: "button primary small", "data-testid": "ack-comment-submit" },
            "Acknowledge"),
          el("button", { type: "button", class: "button secondary small", "data-action": "cancel" }, "Cancel")));
      form.addEventListener("submit", async (event) => {
        event.preventDefault();
        if (await this.acknowledge(alert, text.value.trim())) {
          this.commenting = null;
          await this.load();
        }
      });
      form.querySelector("[data-action=cancel]")!.addEventListener("click", () => {
        this.commenting = null;
        this.render();
      });
      action = form;
      queueMicrotask(() => text.focus());
    } else if (alert.state === "open") {
      action = el("button", { type: "button", class: "button ghost small", "data-testid": "ack-with-comment" },
        "Acknowledge with comment");
      action.addEventListener("click", () => {
        this.commenting = alert.alertId;
        this.render();
      });
    }
    let notifications = this.notifications.get(alert.alertId);
    if (!notifications) {
      notifications = new AlertNotificationsList(alert.alertId);
      this.notifications.set(alert.alertId, notifications);
    }
    const list = notifications;
    const toggle = el("button", { type: "button", class: "button ghost small", "data-testid": "notifications-toggle",
      "aria-expanded": String(list.isOpen), "aria-controls": list.root.id }, "Notifications");
    toggle.addEventListener("click", () => {
      list.toggle();
      toggle.setAttribute("aria-expanded", String(list.isOpen));
    });
    return el("li", { class: `history-alert state-${alert.state}`, "data-testid": "alert-history-item",
      "data-alert-id": alert.alertId, "data-state": alert.state },
    el("div", { class: "alert-top" },
      el("span", { class: `severity severity-${alert.severity}` }, alert.severity),
      el("span", { class: "alert-rule" }, ruleLabel[alert.rule] ?? alert.rule),
      el("time", { datetime: alert.raisedAt, title: new Date(alert.raisedAt).toLocaleString() },
        relativeTime(alert.raisedAt, now))),
    el("div", { class: "alert-level" }, el("b", {}, `${formatDb(alert.level)} dB(A)`),
      alert.rule !== "sensor-fault" ? el("span", { class: "muted" }, ` limit ${alert.threshold} dB(A)`) : null),
    el("div", {}, el("span", { class: `state-chip state-${alert.state}` }, state)),
    comment ? el("p", { class: "alert-comment", "data-testid": "alert-comment" }, `“${comment}”`) : null,
    action,
    el("div", { class: "alert-actions" }, toggle),
    list.root);
  }
}
