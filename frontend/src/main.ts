import "./styles.css";
import { SensorChart } from "./chart";
import { backoff, LiveConnection, type ConnectionStatus } from "./connection";
import { AlertHistory } from "./alerthistory";
import { announcement } from "./announce";
import { DayTable } from "./dayview";
import { byId, reducedMotion } from "./dom";
import { hashFor, sensorFromHash } from "./hash";
import { HistoryPanel } from "./historyview";
import { MaintenancePanel } from "./maintenance";
import type { AlertHistoryItem } from "./historytypes";
import { SensorMap } from "./mapview";
import {
  applyAlertChange,
  applyLevel,
  applyReadings,
  applySensorStatus,
  applySnapshot,
  emptyState,
  setChart,
  takeNewSensors,
  type AlertModel,
} from "./state";
import { SyncGate } from "./sync";
import type {
  AcknowledgeView,
  AlertChange,
  LevelView,
  ReadingTick,
  SensorHistory,
  SensorStatusView,
  SensorsSummary,
  SensorView,
  Snapshot,
} from "./types";
import {
  announce,
  historyShown,
  onHistoryOpened,
  renderAccount,
  renderAlerts,
  renderConnection,
  renderDetailHeader,
  renderGrid,
  renderSummary,
  toast,
  updateTiles,
  visibleSensors,
  type GridFilter,
} from "./views";
import { applyWatched, maxWatched, sameList, watchList } from "./watch";

const state = emptyState();
const historyPanel = new HistoryPanel();
const alertHistory = new AlertHistory((alert, comment) => acknowledgeWithComment(alert, comment));
const maintenance = new MaintenancePanel({
  user: () => state.user,
  signIn: (then) => openSignIn(then),
  notify: (text, kind) => toast(text, kind),
});
const sensorMap = new SensorMap((id) => select(id));
const dayTable = new DayTable(
  () => new Map([...state.sensors.values()].map((s) => [s.id, s.name])),
  (date, rows) => {
    sensorMap.setLden(date, rows);
    schedule({ map: true });
  });
const filter: GridFilter = { text: "", zone: "" };
const acknowledging = new Set<string>();
let chart: SensorChart | null = null;
let afterSignIn: (() => void) | null = null;
let sensorsSummary: SensorsSummary | null = null;

// While snapshots are on their way, pushes are held back and applied after the last, so none is overwritten by older
// state. A sensor first seen in a push gets its tile by a redraw of the grid.
const gate = new SyncGate();
function dispatch(apply: () => void): void {
  gate.dispatch(() => {
    apply();
    if (takeNewSensors(state).length > 0) schedule({ grid: true });
  });
}

// ---- drawing, at most once per frame -------------------------------------------------------------------------------

const dirty = {
  grid: false, tiles: new Set<string>(), detail: false, chart: false, alerts: false, account: false, map: false,
};
let frame = 0;
type Part = "grid" | "detail" | "chart" | "alerts" | "account" | "map";
function schedule(parts: Partial<Record<Part, boolean>>, tiles: string[] = []): void {
  Object.assign(dirty, Object.fromEntries(Object.entries(parts).filter(([, v]) => v)));
  for (const id of tiles) dirty.tiles.add(id);
  if (!frame) frame = requestAnimationFrame(draw);
}

function draw(): void {
  frame = 0;
  if (dirty.grid) renderGrid(state, filter, select, visibleChanged);
  else if (dirty.tiles.size) updateTiles(state, [...dirty.tiles]);
  if (dirty.detail) {
    renderDetailHeader(state, maintenance.root);
    maintenance.show(state.selected && state.sensors.has(state.selected) ? state.selected : null);
    showHistory();
  }
  if (dirty.chart) {
    chart ??= new SensorChart(byId("chart"));
    const sensor = state.selected ? state.sensors.get(state.selected) : undefined;
    chart.update(state.chart, sensor?.threshold ?? 65);
  }
  if (dirty.alerts) renderAlerts(state, { acknowledge, select }, acknowledging);
  if (dirty.account) {
    renderAccount(state, { signIn: () => openSignIn(), signOut });
    maintenance.sessionChanged();
  }
  if (dirty.map) sensorMap.render(state.sensors.values());
  renderSummary(state, sensorsSummary);
  dirty.grid = dirty.detail = dirty.chart = dirty.alerts = dirty.account = dirty.map = false;
  dirty.tiles.clear();
}

// History is asked once per selected sensor (and range) while its panel is open, never per live frame.
function showHistory(): void {
  const sensor = state.selected && historyShown() ? state.sensors.get(state.selected) : undefined;
  historyPanel.show(sensor ? { id: sensor.id, name: sensor.name, threshold: sensor.threshold } : null);
  alertHistory.show(sensor?.id ?? null);
}
onHistoryOpened(showHistory);

// ---- the hub ---------------------------------------------------------------------------------------------------------

const connection = new LiveConnection("/hubs/dashboard", {
  status: (status: ConnectionStatus) => renderConnection(status),
  connected: async () => {
    // A new connection gets every sensor until it says what it shows: say it first, then load the snapshot.
    watched = null;
    await sendWatch();
    await resync();
  },
  // With Dashboard:RequireSignInToView the hub answers 401 (a WebSocket does not say why it failed: ask plainly).
  failed: async () => {
    if ((await fetch("/hubs/dashboard").catch(() => null))?.status === 401 && !dialog.open) openSignIn();
  },
});
const hub = connection.hub;

hub.on("readings", (ticks: ReadingTick[]) =>
  dispatch(() => {
    const changed = applyReadings(state, ticks);
    const selectedChanged = state.selected !== null && changed.includes(state.selected);
    schedule({ detail: selectedChanged, chart: selectedChanged }, changed);
  }),
);
hub.on("level", (level: LevelView) =>
  dispatch(() => {
    applyLevel(state, level);
    const selected = level.sensorId === state.selected;
    schedule({ detail: selected, chart: selected }, [level.sensorId]);
  }),
);
hub.on("sensorStatus", (status: SensorStatusView) =>
  dispatch(() => {
    applySensorStatus(state, status);
    schedule({ detail: status.sensorId === state.selected }, [status.sensorId]);
  }),
);
hub.on("alert", (change: AlertChange) =>
  dispatch(() => {
    const news = announcement(change, state.alerts.has(change.alertId) || state.retired.has(change.alertId),
      state.sensors.get(change.sensorId)?.name);
    if (news) announce(news);
    if (change.sensorId === alertHistory.current) {
      void alertHistory.load();
      alertHistory.alertChanged(change.alertId);
    }
    applyAlertChange(state, change);
    schedule({ alerts: true }, [change.sensorId]);
  }),
);
hub.on("summary", (summary: SensorsSummary) => {
  sensorsSummary = summary;
  schedule({});
});
// The Dashboard's broker connection came back: it may have missed events.
hub.on("resync", () => void resync());

// A re-sync that failed (the hub call timed out, or Alerting did not answer) is tried again after a spread-out wait:
// after an outage every page fails at once, and must not retry at once.
let resyncFailures = 0;
let resyncTimer: number | undefined;

async function resync(): Promise<void> {
  window.clearTimeout(resyncTimer);
  const generation = gate.begin();
  let complete = false;
  try {
    const snapshot = await hub.invoke<Snapshot>("GetSnapshot");
    // An overlapping newer re-sync brings a newer snapshot.
    if (!gate.isLatest(generation)) return;
    applySnapshot(state, snapshot);
    takeNewSensors(state);
    complete = snapshot.alerts !== null;
    document.body.dataset.synced = String(Date.now());
    schedule({ grid: true, detail: true, alerts: true, account: true, map: true });
    await loadChart();
  } catch (error) {
    if (gate.isLatest(generation)) toast(`Could not load the current state: ${message(error)}`, "error");
  } finally {
    gate.end(generation);
    if (gate.isLatest(generation)) {
      resyncFailures = complete ? 0 : resyncFailures + 1;
      if (!complete) resyncTimer = window.setTimeout(() => void retryResync(), backoff(resyncFailures - 1));
    }
  }
}

// While Alerting does not answer, ask only whether it does (a boolean), not for the whole snapshot again (1.5 MB with
// 5,000 sensors, from every page); re-sync once it does, or when the question itself fails.
async function retryResync(): Promise<void> {
  let answers = true;
  try {
    answers = await hub.invoke<boolean>("AlertsAvailable");
  } catch {
    // The hub did not answer: the re-sync finds out why, and backs off.
  }
  if (answers) {
    void resync();
    return;
  }
  resyncFailures += 1;
  resyncTimer = window.setTimeout(() => void retryResync(), backoff(resyncFailures - 1));
}

async function loadChart(): Promise<void> {
  const id = state.selected;
  if (!id) return;
  try {
    const history = await hub.invoke<SensorHistory>("GetSensorHistory", id);
    setChart(state, history);
  } catch {
    setChart(state, { sensorId: id, readings: [], levels: [] });
  }
  schedule({ chart: true });
}

// ---- which sensors this page receives ---------------------------------------------------------------------------

// The hub sends a page the readings and windows of the sensors it asked for (the visible tiles and the selected one);
// asked again, debounced, whenever that set changes.
let watched: string[] | null = null;
let watchTimer = 0;

function visibleChanged(entered: string[]): void {
  schedule({}, entered);
  window.clearTimeout(watchTimer);
  watchTimer = window.setTimeout(() => void sendWatch(), 150);
}

async function sendWatch(): Promise<void> {
  const ids = watchList(visibleSensors(), state.selected, maxWatched);
  if (watched && sameList(watched, ids)) return;
  if (hub.state !== "Connected") return; // the next (re)connect sends it
  watched = ids;
  try {
    const views = await hub.invoke<SensorView[]>("Watch", ids);
    dispatch(() => schedule({}, applyWatched(state, views)));
  } catch {
    watched = null; // the next change or reconnect asks again
  }
}

function select(sensorId: string): void {
  if (state.selected === sensorId) return;
  state.selected = sensorId;
  state.chart = null;
  history.replaceState(null, "", hashFor(sensorId));
  schedule({ grid: true, detail: true, chart: true });
  void loadChart();
  void sendWatch();
  if (window.innerWidth < 900) {
    byId("detail").scrollIntoView({ behavior: reducedMotion() ? "auto" : "smooth", block: "start" });
  }
}

// ---- operators -------------------------------------------------------------------------------------------------------

async function acknowledge(alert: AlertModel): Promise<void> {
  acknowledging.add(alert.alertId);
  schedule({ alerts: true });
  try {
    await acknowledgeAlert(alert.alertId, null, () => void acknowledge(alert));
  } finally {
    acknowledging.delete(alert.alertId);
    schedule({ alerts: true });
  }
}

/** Acknowledges from the alert history, with the operator's comment; true when Alerting took it. */
async function acknowledgeWithComment(alert: AlertHistoryItem, comment: string): Promise<boolean> {
  const again = () => void acknowledgeWithComment(alert, comment);
  const done = await acknowledgeAlert(alert.alertId, comment || null, again);
  if (done) void alertHistory.load();
  return done;
}

/** Asks the hub to acknowledge; not signed in, it opens the sign-in dialog and tries again after it. */
async function acknowledgeAlert(alertId: string, comment: string | null, again: () => void): Promise<boolean> {
  if (!state.user) {
    openSignIn(again);
    return false;
  }
  try {
    const result = await hub.invoke<AcknowledgeView>("Acknowledge", alertId, comment);
    const text = {
      acknowledged: "Alert acknowledged.",
      "already-acknowledged": `Already acknowledged${result.alert?.acknowledgedBy ? ` by ${result.alert.acknowledgedBy}` : ""}.`,
      "already-resolved": "The alert is already resolved.",
      "not-found": "Alerting does not know this alert.",
      forbidden: "Alerting does not accept acknowledgements from this Dashboard (Alerting:AcknowledgeUsers).",
    }[result.outcome];
    toast(text, result.outcome === "acknowledged" ? "info" : "error");
    // The acknowledged change arrives from nop.alerts for every page; this page may update at once.
    if (result.alert) {
      applyAlertChange(state, {
        kind: result.alert.state === "resolved" ? "resolved" : "acknowledged", alertId: result.alert.alertId, sensorId: result.alert.sensorId,
        rule: result.alert.rule, at: result.alert.updatedAt, correlationId: result.alert.correlationId, zone: null, severity: null, level: null,
        threshold: null, message: null, acknowledgedBy: result.alert.acknowledgedBy, reason: null,
      });
    }
    return result.outcome !== "not-found";
  } catch (error) {
    const text = message(error);
    if (/unauthori[sz]ed/i.test(text)) {
      state.user = null;
      schedule({ account: true });
      openSignIn(again);
    } else {
      toast(text, "error");
    }
    return false;
  }
}

const dialog = byId<HTMLDialogElement>("sign-in");
const form = byId<HTMLFormElement>("sign-in-form");
const formError = byId("sign-in-error");

function openSignIn(then?: () => void): void {
  afterSignIn = then ?? null;
  formError.hidden = true;
  form.reset();
  dialog.showModal();
}

byId("sign-in-cancel").addEventListener("click", () => dialog.close());
form.addEventListener("submit", async (event) => {
  event.preventDefault();
  const data = new FormData(form);
  const response = await fetch("/api/session", {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ username: data.get("username"), password: data.get("password") }),
  }).catch(() => null);
  if (!response?.ok) {
    formError.textContent = response?.status === 401 ? "Wrong user name or password." : "Sign-in failed; try again.";
    formError.hidden = false;
    return;
  }
  dialog.close();
  const then = afterSignIn;
  afterSignIn = null;
  await connection.restart(); // the hub sees the new cookie only on a new connection
  alertHistory.sessionChanged();
  toast(`Signed in as ${state.user ?? "operator"}.`);
  then?.();
});

async function signOut(): Promise<void> {
  await fetch("/api/session", { method: "DELETE" }).catch(() => null);
  await connection.restart();
  alertHistory.sessionChanged();
}

// ---- start -----------------------------------------------------------------------------------------------------------

byId<HTMLInputElement>("sensor-filter").addEventListener("input", (event) => {
  filter.text = (event.target as HTMLInputElement).value;
  schedule({ grid: true });
});
byId<HTMLSelectElement>("zone-filter").addEventListener("change", (event) => {
  filter.zone = (event.target as HTMLSelectElement).value;
  schedule({ grid: true });
});
byId("map").addEventListener("map-mode", () => schedule({ map: true }));
// The map shows current levels of every sensor: redrawn every few seconds, not on every push.
window.setInterval(() => schedule({ map: true }), 5_000);
// Relative times ("4 min ago") age without pushes.
window.setInterval(() => schedule({ alerts: true }), 30_000);

function message(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  // HubException texts arrive wrapped: "An unexpected error occurred invoking 'X' on the server. HubException: <text>"
  return text.replace(/^.*HubException: /, "");
}

state.selected = sensorFromHash(location.hash);
renderConnection("connecting");
schedule({ grid: true, detail: true, alerts: true, account: true });
void connection.start();
void dayTable.load();
