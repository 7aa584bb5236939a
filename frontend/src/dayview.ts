// The day table: every sensor's Lday, Levening, Lnight, Lden, minutes over the limit and coverage for one local date,
// sortable by every column, with the API's CSV as download.
import { getJson } from "./api";
import { byId, el, keepingFocus } from "./dom";
import { zoneLabel } from "./format";
import { formatCoverage, formatDb } from "./levels";
import {
  dayColumns, dayUrl, flaggedPeriods, localDate, nextSort, overLimit, sortRows,
  type DayColumn, type DayRow, type Direction, type Period,
} from "./daytable";

export class DayTable {
  private date = localDate(new Date());
  private rows: DayRow[] = [];
  private sort: { column: DayColumn; direction: Direction } = { column: "lden", direction: "descending" };
  private error: string | null = null;
  private loading: AbortController | null = null;
  private readonly root = byId("days");

  constructor(private readonly names: () => ReadonlyMap<string, string>,
    private readonly loaded: (date: string, rows: DayRow[]) => void) {}

  get currentDate(): string {
    return this.date;
  }

  async load(date = this.date): Promise<void> {
    this.date = date;
    this.loading?.abort();
    const loading = new AbortController();
    this.loading = loading;
    this.error = null;
    this.render();
    try {
      const rows = await getJson<DayRow[]>(dayUrl(date), loading.signal);
      if (this.loading !== loading) return;
      this.rows = rows;
    } catch (error) {
      if (this.loading !== loading) return;
      this.rows = [];
      this.error = error instanceof Error ? error.message : String(error);
    }
    this.loading = null;
    this.loaded(this.date, this.rows);
    this.render();
  }

  private render(): void {
    const input = el("input", { type: "date", value: this.date, "aria-label": "Date", "data-testid": "day-date" });
    input.addEventListener("change", () => {
      if (/^\d{4}-\d{2}-\d{2}$/.test(input.value)) void this.load(input.value);
    });
    const csv = el("a", { class: "button ghost small", href: dayUrl(this.date, "csv"), download: "",
      "data-testid": "day-csv" }, "Download CSV");
    const names = this.names();
    const rows = sortRows(this.rows, this.sort.column, this.sort.direction, names);
    const status = this.loading ? "Loading…" : this.error ?? (rows.length ? "" : "No sensor has data for this day.");
    const table = el("table", { class: "data-table day-table", "data-testid": "day-table",
      "data-state": this.loading ? "loading" : this.error ? "error" : "ready" },
      el("caption", {}, `Indicators for ${this.date} (local day), dB(A). `,
        el("span", { class: "muted" }, "⚑ marks a period measured too little to report; ▲ a value over the limit.")),
      el("thead", {}, el("tr", {}, ...dayColumns.map((c) => this.header(c.key, c.label)))),
      el("tbody", {}, ...rows.map((row) => this.row(row, names))));
    keepingFocus(this.root, () => this.root.replaceChildren(
      el("div", { class: "panel-head" },
        el("h2", { id: "days-title" }, "Day indicators"),
        el("div", { class: "filters" }, input, csv)),
      el("p", { class: `history-status ${this.error ? "form-error" : "muted"}`, "data-testid": "day-status" }, status),
      el("div", { class: "table-scroll", tabindex: 0, role: "region", "aria-label": "Day indicators table" }, table)));
  }

  private header(column: DayColumn, label: string): HTMLElement {
    const sorted = this.sort.column === column;
    const button = el("button", { type: "button", class: "sort-button", "data-sort": column,
      "data-testid": `sort-${column}` }, label, el("span", { "aria-hidden": "true" },
      sorted ? (this.sort.direction === "ascending" ? " ▲" : " ▼") : " ↕"));
    button.addEventListener("click", () => {
      this.sort = nextSort(this.sort, column);
      this.render();
    });
    return el("th", { scope: "col", "aria-sort": sorted ? this.sort.direction : "none" }, button);
  }

  private row(row: DayRow, names: ReadonlyMap<string, string>): HTMLElement {
    const flagged = new Set(flaggedPeriods(row));
    return el("tr", { "data-sensor-id": row.sensorId, "data-testid": "day-row" },
      el("th", { scope: "row" }, names.get(row.sensorId) ?? row.sensorId,
        el("span", { class: "muted" }, ` · ${row.sensorId}`)),
      el("td", {}, zoneLabel[row.zone] ?? row.zone),
      this.period(row, "day", row.lday, flagged),
      this.period(row, "evening", row.levening, flagged),
      this.period(row, "night", row.lnight, flagged),
      el("td", { class: "num" }, row.lden === null
        ? el("span", { class: "flag", title: "Not reported: a period was measured too little" }, "– not reported")
        : formatDb(row.lden)),
      el("td", { class: "num" }, String(Math.round(row.exceedanceMinutes))),
      el("td", { class: "num" }, formatCoverage(row.coverage)));
  }

  private period(row: DayRow, period: Period, level: number | null, flagged: Set<Period>): HTMLElement {
    const limit = row.limits?.[period] ?? null;
    const detail = row[period];
    // Over the limit: History counted time above the zone's limit in the period (each window against the limit in
    // force then), or the period's level is above a limit the Dashboard sent.
    const minutes = detail?.exceedanceMinutes ?? 0;
    const over = minutes > 0 || overLimit(level, limit);
    return el("td", { class: `num${over ? " over" : ""}${flagged.has(period) ? " flagged" : ""}`,
      "data-period": period, title: limit !== null ? `limit ${limit} dB(A)` : null },
    formatDb(level),
    over ? el("span", { class: "over-mark" }, minutes > 0 ? ` ▲ ${Math.round(minutes)} min over` : " ▲ over") : null,
    flagged.has(period) ? el("span", { class: "flag" }, ` ⚑ ${formatCoverage(detail?.coverage)} covered`) : null);
  }
}
