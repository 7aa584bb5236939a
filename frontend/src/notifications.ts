// Who was notified about an alert (Notifier, through the Dashboard's /api/alerts/{id}/notifications): stage, channel,
// recipient, when, and the status in words (never colour alone). Opened per alert from the alert history.
import { ApiError, getJson } from "./api";
import { clockTime } from "./format";
import { el } from "./dom";

export type NotificationStatus = "held" | "sending" | "delivered" | "failed" | "dropped";

/** One notification of an alert's stage to one subscription (Nop.Contracts' NotificationEntry). */
export interface NotificationEntry {
  subscription: string;
  channel: "email" | "webhook";
  /** The e-mail address (masked as o•••@nop.local unless an operator is signed in) or the webhook's host. */
  recipient: string;
  stage: string;
  status: NotificationStatus;
  plannedAt: string;
  dueAt: string;
  deliveredAt: string | null;
  attempts: number;
  detail: string | null;
}

export interface AlertNotifications {
  alertId: string;
  recipientsMasked: boolean;
  items: NotificationEntry[];
}

/** What the list shows: not asked yet, the answer, or why there is none. */
export type NotificationsState =
  | { kind: "loading" }
  | { kind: "loaded"; value: AlertNotifications }
  | { kind: "error"; message: string };

/** While something is on its way the list asks again this soon; a hold ends later, so it asks less often. */
export const sendingRefreshMs = 5_000;
export const heldRefreshMs = 30_000;

/** "Raised", "Escalation 2", "Acknowledged", "Resolved"; anything else as Notifier named it. */
export function stageLabel(stage: string): string {
  const escalation = /^escalation-(\d+)$/.exec(stage);
  if (escalation) return `Escalation ${escalation[1]}`;
  const known: Record<string, string> = {
    raised: "Raised", acknowledged: "Acknowledged", resolved: "Resolved", digest: "Digest",
  };
  return known[stage] ?? stage;
}

export const channelLabel: Record<NotificationEntry["channel"], string> = { email: "E-mail", webhook: "Webhook" };

/** A time of today as 13:05:12, of another day with its date. */
export function whenText(iso: string, now: Date = new Date()): string {
  const date = new Date(iso);
  if (date.toDateString() === now.toDateString()) return clockTime(date);
  return date.toLocaleString([], { day: "numeric", month: "short", hour: "2-digit", minute: "2-digit", hour12: false });
}

/** The status in words: delivered, sending, held until <time>, failed: <detail>, dropped. */
export function statusText(entry: NotificationEntry, now: Date = new Date()): string {
  switch (entry.status) {
    case "delivered":
      return "delivered";
    case "sending":
      return entry.attempts > 1 ? `sending (attempt ${entry.attempts})` : "sending";
    case "held":
      return `held until ${whenText(entry.dueAt, now)}`;
    case "failed":
      return entry.detail ? `failed: ${entry.detail}` : "failed";
    case "dropped":
      return entry.detail ? `dropped: ${entry.detail}` : "dropped";
    default:
      return String(entry.status);
  }
}

const statusMark: Record<NotificationStatus, string> = {
  delivered: "✓", sending: "…", held: "⏸", failed: "✕", dropped: "–",
};

/** How long to wait before asking again, or null when nothing can change by itself any more. */
export function refreshDelay(state: NotificationsState): number | null {
  if (state.kind !== "loaded") return null;
  const statuses = state.value.items.map((i) => i.status);
  if (statuses.includes("sending")) return sendingRefreshMs;
  if (statuses.includes("held")) return heldRefreshMs;
  return null;
}

/** The list's content for a state: an entry per notification, the empty state or the error. */
export function renderNotifications(state: NotificationsState, now: Date = new Date()): HTMLElement[] {
  if (state.kind === "loading") {
    return [el("p", { class: "muted", "data-testid": "notifications-loading" }, "Loading notifications…")];
  }
  if (state.kind === "error") {
    return [el("p", { class: "form-error", "data-testid": "notifications-error" }, state.message)];
  }
  const { items, recipientsMasked } = state.value;
  if (items.length === 0) {
    return [el("p", { class: "muted", "data-testid": "notifications-empty" }, "Nobody was notified.")];
  }
  const parts: HTMLElement[] = [
    el("ol", { class: "notifications", "data-testid": "notifications" }, ...items.map((i) => entryItem(i, now))),
  ];
  if (recipientsMasked) {
    parts.push(el("p", { class: "muted", "data-testid": "notifications-masked" },
      "E-mail addresses are shortened; sign in as an operator to see them."));
  }
  return parts;
}

function entryItem(entry: NotificationEntry, now: Date): HTMLElement {
  const time = (label: string, iso: string) =>
    el("span", {}, `${label} `, el("time", { datetime: iso, title: new Date(iso).toLocaleString() },
      whenText(iso, now)));
  return el("li", { class: `notification status-${entry.status}`, "data-testid": "notification",
    "data-status": entry.status, "data-stage": entry.stage },
  el("div", { class: "notification-top" },
    el("b", { "data-testid": "notification-stage" }, stageLabel(entry.stage)),
    el("span", { "data-testid": "notification-channel" }, channelLabel[entry.channel] ?? entry.channel),
    el("span", { class: "notification-recipient", "data-testid": "notification-recipient" }, entry.recipient)),
  el("div", { class: "notification-when muted" },
    time("planned", entry.plannedAt),
    entry.deliveredAt ? time(", delivered", entry.deliveredAt) : null),
  el("div", {},
    el("span", { class: `notification-status status-${entry.status}`, "data-testid": "notification-status" },
      el("span", { "aria-hidden": "true" }, `${statusMark[entry.status] ?? ""} `), statusText(entry, now))));
}

/** One alert's list: loads when opened, again on request (the alert changed) and by itself while something is
 * still being sent or held. */
export class AlertNotificationsList {
  readonly root: HTMLElement;
  private state: NotificationsState = { kind: "loading" };
  private loading: AbortController | null = null;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private open = false;
  // Loads still owed after a change even if nothing is pending: Notifier plans a stage after the alert event.
  private followUps = 0;

  constructor(readonly alertId: string) {
    this.root = el("section", { class: "notifications-panel", id: `notifications-${alertId}`,
      "aria-label": "Who was notified", "data-testid": "notifications-panel", hidden: true });
  }

  get isOpen(): boolean {
    return this.open;
  }

  toggle(): void {
    if (this.open) this.close();
    else {
      this.open = true;
      this.root.hidden = false;
      this.state = { kind: "loading" };
      this.render();
      void this.load();
    }
  }

  close(): void {
    this.open = false;
    this.followUps = 0;
    this.root.hidden = true;
    this.loading?.abort();
    this.loading = null;
    this.clearTimer();
  }

  /** Asks again now if open: after a sign-in or sign-out, the recipients are shown in full or masked. */
  sessionChanged(): void {
    void this.load();
  }

  /** Asks again now if open, and once more shortly after: Notifier plans a stage after the alert event arrives. */
  changed(): void {
    if (!this.open) return;
    this.followUps = 1;
    void this.load();
  }

  async load(): Promise<void> {
    if (!this.open) return;
    this.loading?.abort();
    this.clearTimer();
    const loading = new AbortController();
    this.loading = loading;
    this.root.setAttribute("aria-busy", "true");
    try {
      const value = await getJson<AlertNotifications>(
        `/api/alerts/${encodeURIComponent(this.alertId)}/notifications`, loading.signal);
      if (this.loading !== loading) return;
      this.state = { kind: "loaded", value };
    } catch (error) {
      if (this.loading !== loading) return;
      this.state = { kind: "error", message: error instanceof ApiError && error.status === 503
        ? "Notifier is not answering right now, so who was notified cannot be shown; trying again shortly."
        : error instanceof Error ? error.message : String(error) };
    }
    this.loading = null;
    this.root.removeAttribute("aria-busy");
    this.render();
    let delay = this.state.kind === "error" ? heldRefreshMs : refreshDelay(this.state);
    if (delay === null && this.followUps > 0) {
      this.followUps--;
      delay = sendingRefreshMs;
    }
    if (delay !== null) this.schedule(delay);
  }

  private schedule(delay: number): void {
    this.clearTimer();
    this.timer = setTimeout(() => void this.load(), delay);
  }

  private clearTimer(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
  }

  private render(): void {
    this.root.replaceChildren(el("h4", {}, "Notifications"), ...renderNotifications(this.state));
    this.root.dataset.state = this.state.kind;
  }
}
