// Drawing the model: the header, the sensor grid, the selected sensor and the alert feed.
import { el, byId } from "./dom";
import { clockTime, faultLabel, relativeTime, ruleLabel, zoneLabel } from "./format";
import { kibanaDiscoverUrl } from "./kibana";
import { band, bandLabel, formatCoverage, formatDb, formatPercentiles, isPartial } from "./levels";
import { sortedAlerts, summarize, type AlertModel, type DashboardState } from "./state";
import type { ConnectionStatus } from "./connection";
import type { LevelView, SensorsSummary } from "./types";
import { createTile, currentLevel, partialTitle, tileView, updateTile } from "./tile";
import { VisibleTiles } from "./visibility";

const statusText: Record<ConnectionStatus, string> = {
  connecting: "Connecting",
  live: "Live",
  reconnecting: "Reconnecting…",
  offline: "Offline",
};

export function renderConnection(status: ConnectionStatus): void {
  const pill = byId("connection");
  pill.textContent = statusText[status];
  pill.className = `pill pill-${status}`;
  pill.dataset.state = status;
  document.body.dataset.connection = status;
}

let summaryShown = "";

/** The header's counts: of all sensors from the hub's summary (a page holds readings only of the sensors it shows),
 * of open alerts from the page's feed. Redrawn only when a figure changed. */
export function renderSummary(state: DashboardState, sensors: SensorsSummary | null): void {
  const s = sensors ? { ...sensors, openAlerts: openAlertCount(state) } : summarize(state);
  const shown = [s.reporting, s.sensors, s.over, s.openAlerts, s.faults].join("|");
  if (shown === summaryShown) return;
  summaryShown = shown;
  const summary = byId("summary");
  const stats = [
    stat(`${s.reporting}/${s.sensors}`, "reporting"),
    stat(String(s.over), "over limit", s.over > 0 ? "stat-warn" : ""),
    stat(String(s.openAlerts), "open alerts", s.openAlerts > 0 ? "stat-alert" : ""),
  ];
  if (s.faults > 0) stats.push(stat(String(s.faults), "faults", "stat-warn"));
  summary.replaceChildren(...stats);
}

function openAlertCount(state: DashboardState): number {
  let open = 0;
  for (const alert of state.alerts.values()) if (alert.state !== "resolved") open++;
  return open;
}

function stat(value: string, label: string, extra = ""): HTMLElement {
  return el("span", { class: `stat ${extra}` }, el("b", {}, value), " ", label);
}

export function renderAccount(state: DashboardState, actions: { signIn(): void; signOut(): void }): void {
  const account = byId("account");
  if (state.user) {
    const out = el("button", { class: "button ghost", type: "button", "data-testid": "sign-out-button" }, "Sign out");
    out.addEventListener("click", actions.signOut);
    account.replaceChildren(el("span", { class: "user", "data-testid": "signed-in-user" }, el("i", { class: "avatar" }, state.user.slice(0, 1).toUpperCase()), state.user), out);
  } else {
    const signIn = el("button", { class: "button ghost", type: "button", "data-testid": "sign-in-button" }, "Operator sign-in");
    signIn.addEventListener("click", actions.signIn);
    account.replaceChildren(signIn);
  }
}

// ---- sensor grid ---------------------------------------------------------------------------------------------------

// Every sensor has a tile (an empty placeholder until first seen), but only the visible ones are drawn and updated:
// with 5,000 sensors a push changes thousands of values, of which a page shows a few dozen.
const tiles = new Map<string, HTMLElement>();
let visibility: VisibleTiles | null = null;

export interface GridFilter {
  text: string;
  zone: string;
}

/** `visibleChanged` gets the ids that scrolled into view (to draw) whenever the visible set changes. */
export function renderGrid(state: DashboardState, filter: GridFilter, select: (id: string) => void,
  visibleChanged: (entered: string[]) => void): void {
  visibility ??= new VisibleTiles(visibleChanged);
  const grid = byId("sensor-grid");
  const wanted: HTMLElement[] = [];
  const text = filter.text.trim().toLowerCase();
  for (const sensor of state.sensors.values()) {
    if (filter.zone && sensor.zone !== filter.zone) continue;
    if (text && !sensor.name.toLowerCase().includes(text) && !sensor.id.includes(text)) continue;
    let tile = tiles.get(sensor.id);
    if (!tile) {
      tile = createTile(sensor.id, select);
      tiles.set(sensor.id, tile);
    }
    if (visibility.has(sensor.id)) updateTile(tile, tileView(sensor, state.selected === sensor.id));
    wanted.push(tile);
  }
  // Only touch the DOM order when the set of tiles changed.
  if (wanted.length !== grid.children.length || wanted.some((tile, i) => grid.children[i] !== tile)) {
    const kept = new Set(wanted);
    for (const tile of tiles.values()) if (!kept.has(tile) && tile.isConnected) visibility.forget(tile);
    grid.replaceChildren(...wanted);
    for (const tile of wanted) visibility.observe(tile);
  }
  if (wanted.length === 0) grid.replaceChildren(el("p", { class: "muted empty" }, state.sensors.size ? "No sensor matches the filter." : "Waiting for sensors…"));
}

/** Redraws the given sensors' tiles if they are in view; the others are drawn when they scroll in. */
export function updateTiles(state: DashboardState, ids: Iterable<string>): void {
  for (const id of ids) {
    const tile = tiles.get(id);
    const sensor = state.sensors.get(id);
    if (tile && sensor && visibility?.has(id)) updateTile(tile, tileView(sensor, state.selected === id));
  }
}

/** The sensors whose tiles are in view (or near it). */
export function visibleSensors(): string[] {
  return visibility?.ids() ?? [];
}

// ---- selected sensor -----------------------------------------------------------------------------------------------

/** `below` (the maintenance part) goes under the chart, above the history button. */
export function renderDetailHeader(state: DashboardState, below?: HTMLElement): void {
  const detail = byId("detail");
  let head = detail.querySelector<HTMLElement>(".detail-head");
  if (!head) {
    head = el("div", { class: "detail-head" });
    const chart = el("div", { class: "chart", id: "chart", "data-testid": "sensor-chart" });
    detail.replaceChildren(head, chart, below ?? "", historyToggle());
  }
  const sensor = state.selected ? state.sensors.get(state.selected) : undefined;
  if (!sensor) {
    head.replaceChildren(el("p", { class: "muted" }, "Select a sensor to see its live chart."));
    return;
  }
  const level = currentLevel(sensor);
  const b = sensor.fault ? "none" : band(level, sensor.threshold);
  const window = sensor.level;
  head.replaceChildren(
    el("div", { class: "detail-title" },
      el("h2", { "data-testid": "selected-sensor-name" }, sensor.name),
      el("p", { class: "muted" }, `${sensor.id} · ${zoneLabel[sensor.zone] ?? sensor.zone} · limit ${sensor.threshold} dB(A)`),
      el("div", { class: "chips" },
        el("span", { class: `chip band-${b}` }, bandLabel[b]),
        sensor.exceeded ? el("span", { class: "chip chip-over" }, "Threshold exceeded") : null,
        sensor.fault ? el("span", { class: "chip chip-fault" }, `Fault: ${faultLabel[sensor.fault] ?? sensor.fault}`) : null,
        isPartial(window?.coverage) ? partialChip("window-partial", "Partial window", window) : null)),
    el("div", { class: "figures" },
      figure("Now", formatDb(level), sensor.reading ? clockTime(sensor.reading.measuredAt) : "no reading yet", `band-text-${b}`, "current-level"),
      figure("Window LAeq", formatDb(window?.laeq), windowTime(window), "", "window-level"),
      figure("Window LAmax", formatDb(window?.lamax), window ? `${window.count} readings` : "", "", "window-lamax"),
      figure("L10 / L50 / L90", window ? formatPercentiles(window.l10, window.l50, window.l90) : "–",
        "exceeded 10, 50, 90 % of the time", "compact", "window-percentiles"),
      figure("Coverage", formatCoverage(window?.coverage), "of the window measured",
        isPartial(window?.coverage) ? "partial" : "", "window-coverage", "")),
  );
}

let historyOpen = false;
const historyOpened: (() => void)[] = [];

/** Whether the history panel is open; `opened` is called each time it opens. */
export function historyShown(): boolean {
  return historyOpen;
}

export function onHistoryOpened(opened: () => void): void {
  historyOpened.push(opened);
}

function historyToggle(): HTMLElement {
  const button = el("button", { type: "button", class: "button secondary small", "aria-expanded": "false",
    "aria-controls": "history-panel", "data-testid": "history-toggle" }, "History and alerts");
  button.addEventListener("click", () => {
    historyOpen = !historyOpen;
    button.setAttribute("aria-expanded", String(historyOpen));
    byId("history-panel").hidden = !historyOpen;
    if (historyOpen) for (const opened of historyOpened) opened();
  });
  return el("div", { class: "detail-tools" }, button);
}

function windowTime(window: LevelView | null): string {
  return window ? `${clockTime(window.windowStart)}–${clockTime(window.windowEnd)}` : "no window yet";
}

function partialChip(testId: string, text: string, window: LevelView | null): HTMLElement {
  const title = partialTitle(window?.coverage);
  return el("span", { class: "chip chip-partial", "data-testid": testId, title }, text);
}

function figure(
  label: string, value: string, note: string, extra: string, testId: string, unit = " dB(A)",
): HTMLElement {
  return el("div", { class: "figure" },
    el("span", { class: "figure-label" }, label),
    el("span", { class: `figure-value ${extra}`, "data-testid": testId }, value, unit ? el("small", {}, unit) : null),
    el("span", { class: "figure-note" }, note));
}

// ---- alert feed ----------------------------------------------------------------------------------------------------

export interface AlertActions {
  acknowledge(alert: AlertModel): void;
  select(sensorId: string): void;
}

export function renderAlerts(state: DashboardState, actions: AlertActions, busy: Set<string>): void {
  const alerts = sortedAlerts(state);
  const open = alerts.filter((a) => a.state !== "resolved").length;
  const count = byId("alert-count");
  count.textContent = String(open);
  count.classList.toggle("zero", open === 0);
  const error = byId("alerts-error");
  error.hidden = !state.alertsError && !state.alertsNote;
  error.textContent = state.alertsError
    ? `Open alerts could not be loaded (${state.alertsError}). Showing live changes only.`
    : state.alertsNote ?? "";
  const list = byId("alert-list");
  if (alerts.length === 0) {
    list.replaceChildren(el("li", { class: "empty muted" }, "No open alerts. All quiet."));
    return;
  }
  const now = new Date();
  list.replaceChildren(...alerts.map((alert) => alertCard(alert, state, actions, busy.has(alert.alertId), now)));
}

function alertCard(alert: AlertModel, state: DashboardState, actions: AlertActions, busy: boolean, now: Date): HTMLElement {
  const sensor = state.sensors.get(alert.sensorId);
  const stateText = alert.state === "acknowledged" ? `Acknowledged${alert.acknowledgedBy ? ` by ${alert.acknowledgedBy}` : ""}`
    : alert.state === "resolved" ? "Resolved" : "Open";
  const ack = alert.state === "open"
    ? el("button", { class: "button primary small", type: "button", "data-testid": "ack-button", disabled: busy }, busy ? "Acknowledging…" : "Acknowledge")
    : null;
  ack?.addEventListener("click", (event) => {
    event.stopPropagation();
    actions.acknowledge(alert);
  });
  const logs = state.kibanaUrl
    ? el("a", {
        class: "button ghost small",
        href: kibanaDiscoverUrl(state.kibanaUrl, alert.correlationId, alert.raisedAt, alert.state === "resolved"),
        target: "_blank",
        rel: "noopener",
        "data-testid": "logs-link",
        title: `Logs of correlation id ${alert.correlationId} in Kibana`,
      }, "Logs")
    : null;
  logs?.addEventListener("click", (event) => event.stopPropagation());
  const level = alert.level !== null ? `${formatDb(alert.level)} dB(A)` : null;
  const card = el("li", {
      class: `alert-card severity-${alert.severity} state-${alert.state}`,
      "data-testid": "alert-card",
      "data-alert-id": alert.alertId,
      "data-sensor-id": alert.sensorId,
      "data-state": alert.state,
      tabindex: 0,
      "aria-keyshortcuts": "Enter Space",
      title: "Enter: show this sensor",
    },
    el("div", { class: "alert-top" },
      el("span", { class: `severity severity-${alert.severity}` }, alert.severity),
      el("span", { class: "alert-rule" }, ruleLabel[alert.rule] ?? alert.rule),
      el("time", { datetime: alert.raisedAt, title: new Date(alert.raisedAt).toLocaleString() }, relativeTime(alert.raisedAt, now))),
    el("div", { class: "alert-sensor" }, sensor?.name ?? alert.sensorId, el("span", { class: "muted" }, ` · ${alert.sensorId}`)),
    el("div", { class: "alert-level" },
      level ? el("b", {}, level) : null,
      alert.threshold !== null && alert.rule !== "sensor-fault" ? el("span", { class: "muted" }, ` limit ${alert.threshold} dB(A)`) : null),
    alert.message ? el("p", { class: "alert-message" }, alert.message) : null,
    el("div", { class: "alert-bottom" },
      el("span", { class: `state-chip state-${alert.state}`, "data-testid": "alert-state" }, stateText),
      el("span", { class: "alert-actions" }, logs, ack)),
  );
  card.addEventListener("click", () => actions.select(alert.sensorId));
  // Operable by keyboard like by mouse: Enter or Space on the focused card opens its sensor (not on its buttons).
  card.addEventListener("keydown", (event) => {
    if (event.target !== card || (event.key !== "Enter" && event.key !== " ")) return;
    event.preventDefault();
    actions.select(alert.sensorId);
  });
  return card;
}

// ---- announcements -------------------------------------------------------------------------------------------------

/** Says a sentence once through the page's live region (screen readers read what is added, not the whole page). */
export function announce(text: string): void {
  const region = byId("announcer");
  region.append(el("p", {}, text));
  while (region.childElementCount > 5) region.firstElementChild!.remove();
}

// ---- toasts --------------------------------------------------------------------------------------------------------

export function toast(message: string, kind: "info" | "error" = "info"): void {
  const item = el("div", { class: `toast toast-${kind}`, role: kind === "error" ? "alert" : "status", "data-testid": "toast" }, message);
  byId("toasts").append(item);
  window.setTimeout(() => item.remove(), 5000);
}
