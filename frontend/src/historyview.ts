// The selected sensor's history panel: range picker, zoom, the chart or its table, and the CSV download.
import { getJson } from "./api";
import { byId, el, keepingFocus } from "./dom";
import { formatCoverage, formatDb } from "./levels";
import {
  fromLocalInput, levelsUrl, presetLabel, presetRange, resolutionFor, selectRange, toLocalInput, zoom,
  type RangePreset, type TimeRange,
} from "./history";
import { drawChart } from "./historychart";
import type { LevelPoint } from "./historytypes";

interface SensorInfo {
  id: string;
  name: string;
  threshold: number;
}

const presets: RangePreset[] = ["hour", "day", "week", "month", "custom"];

export class HistoryPanel {
  private sensor: SensorInfo | null = null;
  private preset: RangePreset = "day";
  private range: TimeRange = presetRange("day", Date.now());
  private points: LevelPoint[] = [];
  private asTable = false;
  private loading: AbortController | null = null;
  private error: string | null = null;
  private readonly root = byId("history");

  constructor() {
    // A range that ends now moves with time; a zoomed or custom one stays where it was put.
    window.setInterval(() => {
      if (this.sensor && this.preset !== "custom" && this.range.to >= Date.now() - 120_000) this.choose(this.preset);
    }, 60_000);
  }

  /** Shows a sensor's history (once per selection: live pushes do not refetch it). */
  show(sensor: SensorInfo | null): void {
    const changed = sensor?.id !== this.sensor?.id;
    this.sensor = sensor;
    if (!changed) return;
    this.points = [];
    if (sensor) void this.load();
    else this.render();
  }

  private choose(preset: RangePreset): void {
    this.preset = preset;
    if (preset !== "custom") this.range = presetRange(preset, Date.now());
    void this.load();
  }

  private setRange(range: TimeRange): void {
    this.preset = "custom";
    this.range = range;
    void this.load();
  }

  private async load(): Promise<void> {
    const sensor = this.sensor;
    if (!sensor) return;
    this.loading?.abort();
    const loading = new AbortController();
    this.loading = loading;
    this.error = null;
    this.render();
    try {
      const points = await getJson<LevelPoint[]>(levelsUrl(sensor.id, this.range), loading.signal);
      if (this.loading !== loading) return;
      this.points = points;
    } catch (error) {
      if (this.loading !== loading) return;
      this.points = [];
      this.error = error instanceof Error ? error.message : String(error);
    }
    this.loading = null;
    this.render();
  }

  private render(): void {
    const sensor = this.sensor;
    if (!sensor) {
      this.root.replaceChildren(el("p", { class: "muted" }, "Select a sensor to see its history."));
      return;
    }
    const resolution = resolutionFor(this.range);
    const picker = el("div", { class: "segmented", role: "group", "aria-label": "Time range" },
      ...presets.map((p) => {
        const button = el("button", {
          type: "button", class: "button secondary small", "aria-pressed": String(this.preset === p),
          "data-testid": `range-${p}`,
        }, presetLabel[p]);
        button.addEventListener("click", () => this.choose(p));
        return button;
      }));
    const zoomIn = this.button("Zoom in", "zoom-in", () => this.setRange(zoom(this.range, 0.5, Date.now())), "+");
    const zoomOut = this.button("Zoom out", "zoom-out", () => this.setRange(zoom(this.range, 2, Date.now())), "−");
    const table = this.button(this.asTable ? "Show as chart" : "Show as table", "history-as-table", () => {
      this.asTable = !this.asTable;
      this.render();
    });
    table.setAttribute("aria-pressed", String(this.asTable));
    const csv = el("a", {
      class: "button ghost small", href: levelsUrl(sensor.id, this.range, "csv"), download: "",
      "data-testid": "history-csv",
    }, "Download CSV");
    const input = (ms: number, testId: string) =>
      el("input", { type: "datetime-local", value: toLocalInput(ms), "data-testid": testId });
    const from = input(this.range.from, "range-from");
    const to = input(this.range.to, "range-to");
    const custom = el("form", { class: "custom-range", hidden: this.preset !== "custom" },
      el("label", {}, "From ", from), el("label", {}, "To ", to),
      el("button", { type: "submit", class: "button secondary small", "data-testid": "range-apply" }, "Show"));
    custom.addEventListener("submit", (event) => {
      event.preventDefault();
      const a = fromLocalInput(from.value);
      const b = fromLocalInput(to.value);
      if (a === null || b === null || a >= b) {
        this.error = "Choose a start before the end.";
        this.render();
        return;
      }
      this.setRange({ from: a, to: b });
    });

    const status = this.loading ? "Loading…" : this.error ?? (this.points.length === 0 ? "No data in this range." : "");
    const view = el("div", {
      class: "history-view", "data-testid": "history-chart", "data-resolution": resolution,
      "data-from": new Date(this.range.from).toISOString(), "data-to": new Date(this.range.to).toISOString(),
      "data-points": this.points.length, "data-state": this.loading ? "loading" : this.error ? "error" : "ready",
      tabindex: 0, role: "region",
      "aria-label": `${sensor.name}: levels ${describe(this.range)}, per ${resolution}. Plus and minus keys zoom.`,
    });
    view.addEventListener("keydown", (event) => {
      if (event.key === "+" || event.key === "=") this.setRange(zoom(this.range, 0.5, Date.now()));
      else if (event.key === "-") this.setRange(zoom(this.range, 2, Date.now()));
      else return;
      event.preventDefault();
    });
    if (this.asTable) view.append(levelTable(this.points, resolution));
    else if (this.points.length > 0) {
      const width = Math.max(320, this.root.clientWidth - 4 || 800);
      view.append(drawChart({ points: this.points, range: this.range, limit: sensor.threshold, width }, (a, b) => {
        const picked = selectRange(this.range, a, b);
        if (picked) this.setRange(picked);
      }));
    }
    keepingFocus(this.root, () => this.root.replaceChildren(
      el("div", { class: "panel-head" },
        el("h2", { id: "history-title" }, `History · ${sensor.name}`),
        el("span", { class: "muted" }, `${describe(this.range)} · per ${resolution}`)),
      el("div", { class: "history-tools" }, picker, el("span", { class: "tool-group" }, zoomIn, zoomOut, table, csv)),
      custom,
      el("p", { class: `history-status ${this.error ? "form-error" : "muted"}`, "data-testid": "history-status" },
        status),
      view,
      el("p", { class: "muted legend-note" },
        "Line: LAeq; band: L10–L90; dots: LAmax; dashed: the zone's current limit. Drag across the chart to zoom.")));
  }

  private button(label: string, testId: string, action: () => void, text = label): HTMLButtonElement {
    const button = el("button", {
      type: "button", class: "button secondary small", "aria-label": label, title: label, "data-testid": testId,
    }, text);
    button.addEventListener("click", action);
    return button;
  }
}

function describe(range: TimeRange): string {
  const f = (ms: number) => new Date(ms).toLocaleString([], { dateStyle: "medium", timeStyle: "short" });
  return `${f(range.from)} – ${f(range.to)}`;
}

/** The chart's alternative: the same points as a table. */
function levelTable(points: LevelPoint[], resolution: string): HTMLElement {
  const head = ["Start", "End", "LAeq", "LAmax", "L10", "L50", "L90", "Coverage"];
  const time = (iso: string) => new Date(iso).toLocaleString([], { dateStyle: "short", timeStyle: "short" });
  return el("div", { class: "table-scroll", tabindex: 0, role: "region", "aria-label": "Levels as a table" },
    el("table", { class: "data-table", "data-testid": "history-table" },
      el("caption", {}, `Levels per ${resolution}, dB(A)`),
      el("thead", {}, el("tr", {}, ...head.map((h) => el("th", { scope: "col" }, h)))),
      el("tbody", {}, ...points.map((p) => el("tr", {},
        el("td", {}, time(p.start)), el("td", {}, time(p.end)),
        ...[p.laeq, p.lamax, p.l10, p.l50, p.l90].map((v) => el("td", { class: "num" }, formatDb(v))),
        el("td", { class: "num" }, formatCoverage(p.coverage)))))));
}
