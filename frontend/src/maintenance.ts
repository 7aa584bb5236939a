// The selected sensor's maintenances (Alerting's process manager, through the Dashboard's /api/sensors/{id}/maintenance
// and /api/maintenance): current, upcoming and recent ones with their state and each participant's steps in words; a
// signed-in operator starts one with a small form and ends an active one. Asks again while one is starting or ending.
import { ApiError, getJson, sendJson } from "./api";
import { el, keepingFocus } from "./dom";

export type MaintenanceState = "starting" | "active" | "ending" | "ended" | "failed" | "compensated";

/** One step of a maintenance (Nop.Contracts' MaintenanceStep). */
export interface MaintenanceStep {
  participant: string;
  action: "begin" | "end" | "compensate";
  outcome: "pending" | "done" | "refused" | "timed-out";
  attempts: number;
  startedAt: string;
  finishedAt: string | null;
  detail: string | null;
}

/** A maintenance as GET /api/maintenance/{id} answers it (Nop.Contracts' MaintenanceDetails). */
export interface Maintenance {
  maintenanceId: string;
  sensorId: string;
  from: string;
  to: string;
  reason: string;
  requestedBy: string;
  state: MaintenanceState;
  detail: string | null;
  steps: MaintenanceStep[];
  createdAt: string;
  updatedAt: string;
}

export interface MaintenanceList {
  items: Maintenance[];
}

/** While a maintenance is starting or ending its steps change within seconds: ask this often. */
export const busyRefreshMs = 2_000;
/** After Alerting did not answer, ask again this much later. */
export const errorRefreshMs = 30_000;

export const stateLabel: Record<MaintenanceState, string> = {
  starting: "Starting",
  active: "Active",
  ending: "Ending",
  ended: "Ended",
  failed: "Failed: an operator must look",
  compensated: "Not started (undone)",
};

const participantLabel: Record<string, string> = {
  processing: "Processing", alerting: "Alerting", history: "History",
};

const actionLabel: Record<MaintenanceStep["action"], string> = {
  begin: "begin", end: "end", compensate: "undo",
};

/** "Processing: begin, done", "History: undo, no answer (3 attempts)", "Alerting: begin, refused: <why>". */
export function stepText(step: MaintenanceStep): string {
  const who = participantLabel[step.participant] ?? step.participant;
  const what = actionLabel[step.action] ?? step.action;
  const attempts = step.attempts > 1 ? ` (${step.attempts} attempts)` : "";
  const outcome = {
    pending: `waiting${attempts}`,
    done: "done",
    refused: step.detail ? `refused: ${step.detail}` : "refused",
    "timed-out": `no answer${attempts}`,
  }[step.outcome] ?? String(step.outcome);
  return `${who}: ${what}, ${outcome}`;
}

const stepMark: Record<MaintenanceStep["outcome"], string> = {
  pending: "…", done: "✓", refused: "✕", "timed-out": "⏱",
};

/** A time as a person reads it: the clock for today, with the date otherwise. */
export function timeText(iso: string, now: Date = new Date()): string {
  const date = new Date(iso);
  const clock = date.toLocaleTimeString([], { hour: "2-digit", minute: "2-digit", hour12: false });
  if (date.toDateString() === now.toDateString()) return clock;
  return `${date.toLocaleDateString([], { day: "numeric", month: "short" })} ${clock}`;
}

export function periodText(m: Maintenance, now: Date = new Date()): string {
  return `${timeText(m.from, now)} – ${timeText(m.to, now)}`;
}

/** Still under way: its state changes by itself, so the list asks again soon. */
export function isBusy(m: Maintenance): boolean {
  return m.state === "starting" || m.state === "ending";
}

/** A little after a boundary: the process manager starts the end steps at `to`, then the list should say so. */
export const boundaryGraceMs = 5_000;
/** The longest wait for a boundary: one question an hour at most while a maintenance is pending or under way. */
export const maxBoundaryWaitMs = 3_600_000;

/** When to ask again: soon while one is starting or ending, just after the next `from` or `to` of one not over (its
 * state changes then, with no push to say so), or never. */
export function refreshDelay(items: Maintenance[], now: Date = new Date()): number | null {
  if (items.some(isBusy)) return busyRefreshMs;
  const boundaries = items
    .filter((m) => m.state === "active")
    .flatMap((m) => [new Date(m.from).getTime(), new Date(m.to).getTime()])
    .filter((t) => t > now.getTime());
  if (boundaries.length === 0) return null;
  return Math.min(Math.min(...boundaries) - now.getTime() + boundaryGraceMs, maxBoundaryWaitMs);
}

/** Current (under way now, or starting or ending), upcoming (its period not begun) and recent (over, or undone). */
export function group(items: Maintenance[], now: Date = new Date()): {
  current: Maintenance[]; upcoming: Maintenance[]; recent: Maintenance[];
} {
  const over = (m: Maintenance) => m.state === "ended" || m.state === "failed" || m.state === "compensated";
  const current: Maintenance[] = [];
  const upcoming: Maintenance[] = [];
  const recent: Maintenance[] = [];
  for (const m of items) {
    if (over(m)) recent.push(m);
    else if (new Date(m.from) > now && m.state !== "ending") upcoming.push(m);
    else current.push(m);
  }
  const byFrom = (a: Maintenance, b: Maintenance) => a.from.localeCompare(b.from);
  current.sort(byFrom);
  upcoming.sort(byFrom);
  recent.sort((a, b) => b.updatedAt.localeCompare(a.updatedAt));
  return { current, upcoming, recent };
}

/** A value for `<input type="datetime-local">`: the local time to the minute. */
export function localInput(date: Date): string {
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T${pad(date.getHours())}:`
    + pad(date.getMinutes());
}

/** The form's local times as instants with an offset (the API refuses a time without one); null when empty or not a
 * time. */
export function toInstant(local: string): string | null {
  if (!local) return null;
  const date = new Date(local);
  return Number.isNaN(date.getTime()) ? null : date.toISOString();
}

/** What the list shows: not asked yet, the answer, or why there is none. */
export type MaintenanceView =
  | { kind: "loading" }
  | { kind: "loaded"; items: Maintenance[] }
  | { kind: "error"; message: string };

export interface MaintenanceHost {
  /** The signed-in operator, or null. */
  user(): string | null;
  /** Opens the sign-in dialog, then calls `then`. */
  signIn(then: () => void): void;
  /** Says the outcome of a start or end (a toast). */
  notify(text: string, kind: "info" | "error"): void;
}

/** The maintenance part of the selected sensor's panel. The list is redrawn on every answer; the form only when the
 * sensor or the session changes, so an operator typing is never interrupted by a refresh. */
export class MaintenancePanel {
  readonly root: HTMLElement;
  private readonly listPart: HTMLElement;
  private readonly formPart: HTMLElement;
  private sensorId: string | null = null;
  private view: MaintenanceView = { kind: "loading" };
  private loading: AbortController | null = null;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private ending = new Set<string>();
  private formUser: string | null | undefined = undefined;
  // One key per filled-in form: a submission repeated after "Alerting did not answer" names the same maintenance.
  private idempotencyKey: string | null = null;

  constructor(private readonly host: MaintenanceHost) {
    this.listPart = el("div", { class: "maintenance-list-part" });
    this.formPart = el("div", { class: "maintenance-form-part" });
    this.root = el("section", { class: "maintenance", id: "maintenance", "aria-labelledby": "maintenance-title",
      "data-testid": "maintenance-panel", hidden: true },
    el("h3", { id: "maintenance-title" }, "Maintenance"), this.listPart, this.formPart);
  }

  get current(): string | null {
    return this.sensorId;
  }

  show(sensorId: string | null): void {
    if (sensorId === this.sensorId) return;
    this.sensorId = sensorId;
    this.root.hidden = sensorId === null;
    this.view = { kind: "loading" };
    this.ending.clear();
    this.formUser = undefined;
    this.idempotencyKey = null;
    this.renderForm();
    void this.load();
  }

  /** Signed in or out: the form appears or goes, and End buttons with it. */
  sessionChanged(): void {
    if (this.formUser === this.host.user()) return;
    this.renderForm();
    this.renderList();
  }

  async load(): Promise<void> {
    const id = this.sensorId;
    this.loading?.abort();
    this.clearTimer();
    if (!id) {
      this.renderList();
      return;
    }
    const loading = new AbortController();
    this.loading = loading;
    this.root.setAttribute("aria-busy", "true");
    try {
      const list = await getJson<MaintenanceList>(`/api/sensors/${encodeURIComponent(id)}/maintenance`,
        loading.signal);
      if (this.loading !== loading) return;
      this.view = { kind: "loaded", items: list.items };
    } catch (error) {
      if (this.loading !== loading) return;
      this.view = { kind: "error", message: error instanceof ApiError && error.status === 503
        ? "Alerting is not answering right now, so maintenance cannot be shown; trying again shortly."
        : error instanceof Error ? error.message : String(error) };
    }
    this.loading = null;
    this.root.removeAttribute("aria-busy");
    this.renderList();
    const delay = this.view.kind === "error" ? errorRefreshMs
      : this.view.kind === "loaded" ? refreshDelay(this.view.items) : null;
    if (delay !== null) this.timer = setTimeout(() => void this.load(), delay);
  }

  /** Stops asking (the page closes the sensor). */
  close(): void {
    this.loading?.abort();
    this.loading = null;
    this.clearTimer();
  }

  private clearTimer(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
  }

  private renderList(): void {
    keepingFocus(this.listPart, () => this.listPart.replaceChildren(...this.listContent()));
    this.root.dataset.state = this.view.kind;
  }

  private listContent(): HTMLElement[] {
    if (this.view.kind === "loading") {
      return [el("p", { class: "muted", "data-testid": "maintenance-loading" }, "Loading maintenance…")];
    }
    if (this.view.kind === "error") {
      return [el("p", { class: "form-error", "data-testid": "maintenance-error" }, this.view.message)];
    }
    const now = new Date();
    const { current, upcoming, recent } = group(this.view.items, now);
    if (current.length + upcoming.length + recent.length === 0) {
      return [el("p", { class: "muted", "data-testid": "maintenance-empty" }, "No maintenance planned or recent.")];
    }
    const section = (title: string, items: Maintenance[], testId: string): HTMLElement | null => items.length === 0
      ? null
      : el("div", { "data-testid": testId },
        el("h4", {}, title),
        el("ol", { class: "maintenance-list" }, ...items.map((m) => this.item(m, now))));
    return [section("Now", current, "maintenance-current"), section("Upcoming", upcoming, "maintenance-upcoming"),
      section("Recent", recent, "maintenance-recent")].filter((s): s is HTMLElement => s !== null);
  }

  private item(m: Maintenance, now: Date): HTMLElement {
    let end: HTMLElement | null = null;
    if (this.host.user() && m.state === "active") {
      const busy = this.ending.has(m.maintenanceId);
      end = el("button", { type: "button", class: "button secondary small", "data-testid": "maintenance-end",
        disabled: busy }, busy ? "Ending…" : new Date(m.from) > now ? "Cancel" : "End now");
      end.addEventListener("click", () => void this.end(m));
    }
    return el("li", { class: `maintenance-item state-${m.state}`, "data-testid": "maintenance-item",
      "data-maintenance-id": m.maintenanceId, "data-state": m.state },
    el("div", { class: "alert-top" },
      el("span", { class: `state-chip maintenance-state state-${m.state}`, "data-testid": "maintenance-state" },
        stateLabel[m.state] ?? m.state),
      el("span", { "data-testid": "maintenance-period" },
        el("time", { datetime: m.from }, timeText(m.from, now)), " – ",
        el("time", { datetime: m.to }, timeText(m.to, now)))),
    el("p", { class: "maintenance-reason", "data-testid": "maintenance-reason" }, m.reason),
    el("p", { class: "muted" }, `By ${m.requestedBy}`),
    m.detail ? el("p", { class: "form-error", "data-testid": "maintenance-detail" }, m.detail) : null,
    m.steps.length === 0 ? null : el("ol", { class: "maintenance-steps", "aria-label": "Steps",
      "data-testid": "maintenance-steps" },
    ...m.steps.map((s) => el("li", { class: `maintenance-step outcome-${s.outcome}`, "data-outcome": s.outcome },
      el("span", { "aria-hidden": "true" }, `${stepMark[s.outcome] ?? ""} `), stepText(s)))),
    end ? el("div", { class: "alert-actions" }, end) : null);
  }

  private renderForm(): void {
    this.formUser = this.host.user();
    if (!this.sensorId) {
      this.formPart.replaceChildren();
      return;
    }
    if (!this.formUser) {
      const signIn = el("button", { type: "button", class: "button ghost small",
        "data-testid": "maintenance-sign-in" }, "Sign in to start maintenance");
      signIn.addEventListener("click", () => this.host.signIn(() => this.sessionChanged()));
      this.formPart.replaceChildren(signIn);
      return;
    }
    const start = new Date(Math.ceil(Date.now() / 60_000) * 60_000);
    const from = el("input", { type: "datetime-local", name: "from", required: true,
      value: localInput(start), "data-testid": "maintenance-from" });
    const to = el("input", { type: "datetime-local", name: "to", required: true,
      value: localInput(new Date(start.getTime() + 2 * 3_600_000)), "data-testid": "maintenance-to" });
    const reason = el("textarea", { name: "reason", rows: 2, required: true, maxlength: 500,
      "data-testid": "maintenance-reason-input" });
    const error = el("p", { class: "form-error", role: "alert", "data-testid": "maintenance-form-error",
      hidden: true });
    const submit = el("button", { type: "submit", class: "button primary small",
      "data-testid": "maintenance-submit" }, "Start maintenance");
    const form = el("form", { class: "maintenance-form ack-form", "aria-label": "Start maintenance" },
      el("div", { class: "maintenance-times" },
        el("label", {}, "From", from),
        el("label", {}, "To", to)),
      el("label", {}, "Reason", reason),
      error,
      el("span", { class: "alert-actions" }, submit));
    // A changed form is another request: it gets a new key.
    form.addEventListener("input", () => {
      this.idempotencyKey = null;
    });
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      error.hidden = true;
      const body = { sensorId: this.sensorId, from: toInstant(from.value), to: toInstant(to.value),
        reason: reason.value.trim() };
      this.idempotencyKey ??= newKey();
      submit.disabled = true;
      submit.textContent = "Starting…";
      try {
        await sendJson<{ maintenanceId: string }>("POST", "/api/maintenance", body,
          { "Idempotency-Key": this.idempotencyKey });
        this.idempotencyKey = null;
        form.reset();
        from.value = localInput(new Date(Math.ceil(Date.now() / 60_000) * 60_000));
        to.value = localInput(new Date(Date.now() + 2 * 3_600_000));
        this.host.notify("Maintenance requested: the participants are being asked.", "info");
        await this.load();
      } catch (failure) {
        if (failure instanceof ApiError && failure.status === 401) {
          this.host.signIn(() => this.sessionChanged());
        }
        error.textContent = failure instanceof ApiError && failure.status === 503
          ? "Alerting did not answer in time, so the maintenance may not have started. Submitting again is safe: "
            + "it names the same maintenance."
          : failure instanceof Error ? failure.message : String(failure);
        error.hidden = false;
      } finally {
        submit.disabled = false;
        submit.textContent = "Start maintenance";
      }
    });
    this.formPart.replaceChildren(el("details", { class: "maintenance-start", "data-testid": "maintenance-start" },
      el("summary", {}, "Start maintenance"), form));
  }

  private async end(m: Maintenance): Promise<void> {
    this.ending.add(m.maintenanceId);
    this.renderList();
    try {
      await sendJson<Maintenance>("DELETE", `/api/maintenance/${encodeURIComponent(m.maintenanceId)}`);
      this.host.notify("Ending the maintenance: the participants are being asked.", "info");
    } catch (failure) {
      if (failure instanceof ApiError && failure.status === 401) this.host.signIn(() => this.sessionChanged());
      this.host.notify(failure instanceof Error ? failure.message : String(failure), "error");
    } finally {
      this.ending.delete(m.maintenanceId);
    }
    await this.load();
  }
}

function newKey(): string {
  return typeof crypto !== "undefined" && "randomUUID" in crypto
    ? crypto.randomUUID()
    : `${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}`;
}
