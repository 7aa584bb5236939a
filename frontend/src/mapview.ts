// The map: every sensor at its coordinates and every zone as the outline of its sensors, drawn as SVG (no tile
// server is reachable in many deployments), with a scale bar; coloured by the current level or by the day's Lden.
// Each class has a pattern and a text label as well as a colour.
import { byId, el, keepingFocus, svg } from "./dom";
import { zoneLabel } from "./format";
import { band, bandLabel, formatDb, type Band } from "./levels";
import {
  centroid, convexHull, fitProjection, ldenBand, ldenBandLabel, scaleBar, type LdenBand, type Point,
} from "./map";
import type { SensorModel } from "./state";
import { currentLevel } from "./tile";

const width = 720;
const height = 420;
type Mode = "level" | "lden";

const levelBands: Band[] = ["quiet", "moderate", "near", "over", "severe", "none"];
const ldenBands: LdenBand[] = ["lt55", "55", "60", "65", "70", "75", "none"];
/** Classes drawn with a hatch on top of the colour (so they are told apart without colour). */
const hatched = new Set<string>(["over", "65", "70"]);
const crossed = new Set<string>(["severe", "75"]);

export class SensorMap {
  private mode: Mode = "level";
  private lden = new Map<string, number | null>();
  private ldenDate = "";
  private readonly root = byId("map");

  constructor(private readonly select: (id: string) => void) {}

  setLden(date: string, rows: { sensorId: string; lden: number | null }[]): void {
    this.ldenDate = date;
    this.lden = new Map(rows.map((r) => [r.sensorId, r.lden]));
  }

  render(sensors: Iterable<SensorModel>): void {
    const located = [...sensors].filter((s) => s.location);
    const projection = fitProjection(located.map((s) => s.location!), width, height, 36);
    const at = new Map<string, Point>(located.map((s) => [s.id, projection.project(s.location!)]));

    const root = svg("svg", { class: "map-svg", viewBox: `0 0 ${width} ${height}`, role: "img",
      "aria-label": `Map of ${located.length} sensors by zone, coloured by ${this.modeText()}`,
      "data-testid": "map-svg" }, patterns());
    const byZone = new Map<string, Point[]>();
    for (const s of located) byZone.set(s.zone, [...(byZone.get(s.zone) ?? []), at.get(s.id)!]);
    for (const [zone, points] of byZone) {
      const hull = convexHull(points);
      const c = centroid(hull.length ? hull : points);
      root.append(svg("polygon", { class: `zone zone-${zone}`, points: hull.map((p) => `${p.x},${p.y}`).join(" "),
        "data-testid": "map-zone", "data-zone": zone }),
      svg("text", { class: "zone-label", x: c.x, y: c.y, "text-anchor": "middle" }, zoneLabel[zone] ?? zone));
    }
    for (const s of located) {
      const p = at.get(s.id)!;
      const { cls, label, value } = this.classOf(s);
      const marker = svg("g", { class: `map-sensor mark-${cls}`, "data-testid": "map-sensor", "data-sensor-id": s.id,
        "data-class": cls },
      svg("title", {}, `${s.name} (${s.id}) · ${value} · ${label}`),
      svg("circle", { cx: p.x, cy: p.y, r: 7, class: "fill" }),
      hatched.has(cls) || crossed.has(cls)
        ? svg("circle", { cx: p.x, cy: p.y, r: 7, fill: `url(#${crossed.has(cls) ? "cross" : "hatch"})` }) : null);
      marker.addEventListener("click", () => this.select(s.id));
      root.append(marker);
    }
    const bar = scaleBar(projection.metresPerUnit, 160);
    root.append(svg("g", { class: "scale-bar", "data-testid": "map-scale", "data-metres": bar.metres,
      transform: `translate(16 ${height - 20})` },
    svg("rect", { x: 0, y: 0, width: bar.units, height: 6 }),
    svg("rect", { x: 0, y: 0, width: bar.units / 2, height: 6, class: "half" }),
    svg("text", { x: bar.units + 6, y: 7 }, bar.label)));

    const toggle = el("div", { class: "segmented", role: "group", "aria-label": "Colour the sensors by" },
      this.modeButton("level", "Current level"), this.modeButton("lden", `Lden ${this.ldenDate}`));
    keepingFocus(this.root, () => this.root.replaceChildren(
      el("div", { class: "panel-head" }, el("h2", { id: "map-title" }, "Map"), toggle),
      el("div", { class: "map-box" }, root),
      this.legend()));
  }

  private modeText(): string {
    return this.mode === "level" ? "current level against the zone's limit" : `Lden of ${this.ldenDate}`;
  }

  private classOf(s: SensorModel): { cls: string; label: string; value: string } {
    if (this.mode === "lden") {
      const lden = this.lden.get(s.id) ?? null;
      const b = ldenBand(lden);
      return { cls: b, label: `Lden ${ldenBandLabel[b]}`, value: `Lden ${formatDb(lden)} dB(A)` };
    }
    const level = currentLevel(s);
    const b = s.fault ? "none" : band(level, s.threshold);
    return { cls: b, label: bandLabel[b], value: `${formatDb(level)} dB(A), limit ${s.threshold}` };
  }

  private modeButton(mode: Mode, label: string): HTMLButtonElement {
    const button = el("button", { type: "button", class: "button secondary small",
      "aria-pressed": String(this.mode === mode), "data-testid": `map-mode-${mode}` }, label);
    button.addEventListener("click", () => {
      this.mode = mode;
      this.root.dispatchEvent(new CustomEvent("map-mode"));
    });
    return button;
  }

  private legend(): HTMLElement {
    const classes: string[] = this.mode === "level" ? levelBands : ldenBands;
    const text = (c: string) => this.mode === "level" ? bandLabel[c as Band] : `Lden ${ldenBandLabel[c as LdenBand]}`;
    return el("ul", { class: "map-legend", "data-testid": "map-legend" }, ...classes.map((c) => el("li", {},
      swatch(c), text(c))));
  }
}

function swatch(cls: string): SVGSVGElement {
  const pattern = crossed.has(cls) ? "cross" : hatched.has(cls) ? "hatch" : null;
  return svg("svg", { width: 16, height: 16, viewBox: "0 0 16 16", "aria-hidden": "true", class: `mark-${cls}` },
    svg("circle", { cx: 8, cy: 8, r: 6.5, class: "fill" }),
    pattern ? svg("circle", { cx: 8, cy: 8, r: 6.5, fill: `url(#${pattern})` }) : null);
}

function patterns(): SVGDefsElement {
  const line = (d: string) => svg("path", { d, stroke: "#fff", "stroke-width": 1.4 });
  return svg("defs", {},
    svg("pattern", { id: "hatch", width: 4, height: 4, patternUnits: "userSpaceOnUse",
      patternTransform: "rotate(45)" }, line("M0,0 V4")),
    svg("pattern", { id: "cross", width: 4, height: 4, patternUnits: "userSpaceOnUse",
      patternTransform: "rotate(45)" }, line("M0,0 V4"), line("M0,2 H4")));
}
