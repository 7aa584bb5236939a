// One sensor tile: what it shows (a pure view model, unit-tested) and its nodes, built once and updated in place.
import { el, reducedMotion } from "./dom";
import { faultLabel, zoneLabel } from "./format";
import { band, bandLabel, formatCoverage, formatDb, formatPercentiles, gauge, isPartial, type Band } from "./levels";
import type { SensorModel } from "./state";

export interface TileChip {
  className: string;
  text: string;
  testId: string | null;
  title: string | null;
}

export interface TileView {
  band: Band;
  className: string;
  name: string;
  level: string;
  meterWidth: string;
  limitLeft: string;
  title: string;
  id: string;
  chip: TileChip | null;
  selected: boolean;
}

export function currentLevel(sensor: SensorModel): number | null {
  return sensor.reading?.laeq ?? sensor.level?.laeq ?? null;
}

export function tileView(sensor: SensorModel, selected: boolean): TileView {
  const level = currentLevel(sensor);
  const b = sensor.fault ? "none" : band(level, sensor.threshold);
  const window = sensor.level;
  const partial = isPartial(window?.coverage);
  const windowText = window
    ? ` · last window LAeq ${formatDb(window.laeq)}, L10/L50/L90 ${formatPercentiles(window.l10, window.l50, window.l90)} dB(A), ` +
      `${formatCoverage(window.coverage)} covered`
    : "";
  const zone = zoneLabel[sensor.zone] ?? sensor.zone;
  const chip: TileChip | null = sensor.fault
    ? { className: "chip chip-fault", text: faultLabel[sensor.fault] ?? sensor.fault, testId: null, title: null }
    : sensor.exceeded
      ? { className: "chip chip-over", text: "Exceeded", testId: null, title: null }
      : partial
        ? { className: "chip chip-partial", text: "Partial", testId: "tile-partial", title: partialTitle(window?.coverage) }
        : null;
  return {
    band: b,
    className: `tile band-${b}${selected ? " selected" : ""}${sensor.fault ? " faulty" : ""}`,
    name: sensor.name,
    level: formatDb(level),
    meterWidth: `${(gauge(level, sensor.threshold) * 100).toFixed(1)}%`,
    limitLeft: `${(gauge(sensor.threshold, sensor.threshold) * 100).toFixed(1)}%`,
    title: `${sensor.name} (${sensor.id}) · ${zone} · limit ${sensor.threshold} dB(A) · ${bandLabel[b]}${windowText}`,
    id: sensor.id,
    chip,
    selected,
  };
}

export function partialTitle(coverage: number | null | undefined): string {
  return `The last window was measured for only ${formatCoverage(coverage)} of its time`;
}

/** The nodes of a filled tile, kept so an update only sets what changed (no nodes rebuilt, no layout read). */
interface TileParts {
  view: TileView | null;
  name: Text;
  level: Text;
  levelBox: HTMLElement;
  meter: HTMLElement;
  limit: HTMLElement;
  id: Text;
  foot: HTMLElement;
  chip: HTMLElement | null;
}

const parts = new WeakMap<HTMLElement, TileParts>();

/** An empty tile: a placeholder of a tile's size until it is first scrolled into view. */
export function createTile(sensorId: string, select: (id: string) => void): HTMLElement {
  // Named by its id until drawn; then by what it shows.
  const tile = el("button", {
    class: "tile", type: "button", "data-testid": "sensor-tile", "data-sensor-id": sensorId, "aria-label": sensorId,
  });
  tile.addEventListener("click", () => select(sensorId));
  return tile;
}

function fill(tile: HTMLElement): TileParts {
  tile.removeAttribute("aria-label");
  const name = document.createTextNode("");
  const level = document.createTextNode("");
  const levelBox = el("span", { class: "tile-level", "data-testid": "sensor-level" }, level, el("small", {}, " dB"));
  const meter = el("i");
  const limit = el("b");
  const id = document.createTextNode("");
  const foot = el("span", { class: "tile-foot" }, el("span", {}, id));
  tile.replaceChildren(el("span", { class: "tile-name" }, name), levelBox, el("span", { class: "tile-meter" }, meter, limit), foot);
  const created: TileParts = { view: null, name, level, levelBox, meter, limit, id, foot, chip: null };
  parts.set(tile, created);
  return created;
}

/** Brings a tile up to date, touching only what differs from what it shows; a changed level flashes. */
export function updateTile(tile: HTMLElement, view: TileView): void {
  const p = parts.get(tile) ?? fill(tile);
  const old = p.view;
  if (old && sameView(old, view)) return;
  if (old?.className !== view.className) tile.className = view.className;
  if (old?.band !== view.band) tile.dataset.band = view.band;
  if (old?.selected !== view.selected) tile.setAttribute("aria-pressed", String(view.selected));
  if (old?.title !== view.title) tile.title = view.title;
  if (old?.name !== view.name) p.name.data = view.name;
  if (old?.level !== view.level) p.level.data = view.level;
  if (old?.meterWidth !== view.meterWidth) p.meter.style.width = view.meterWidth;
  if (old?.limitLeft !== view.limitLeft) p.limit.style.left = view.limitLeft;
  if (old?.id !== view.id) p.id.data = view.id;
  if (!sameChip(old?.chip ?? null, view.chip)) {
    p.chip?.remove();
    p.chip = view.chip ? chipElement(view.chip) : null;
    if (p.chip) p.foot.append(p.chip);
  }
  // Web Animations: runs on the compositor's timeline, no class removal and forced reflow to restart it.
  if (old && old.level !== view.level && typeof p.levelBox.animate === "function" &&
    !reducedMotion()) {
    p.levelBox.animate([{ color: "var(--accent)" }, {}], { duration: 600, easing: "ease-out" });
  }
  p.view = view;
}

function chipElement(chip: TileChip): HTMLElement {
  return el("span", { class: chip.className, "data-testid": chip.testId, title: chip.title }, chip.text);
}

function sameChip(a: TileChip | null, b: TileChip | null): boolean {
  return a === b || (a !== null && b !== null && a.className === b.className && a.text === b.text && a.title === b.title);
}

function sameView(a: TileView, b: TileView): boolean {
  return a.className === b.className && a.level === b.level && a.title === b.title && a.meterWidth === b.meterWidth &&
    a.limitLeft === b.limitLeft && a.name === b.name && a.selected === b.selected && sameChip(a.chip, b.chip);
}
