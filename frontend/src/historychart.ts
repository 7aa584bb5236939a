// The history chart: LAeq per point with its L10–L90 band and LAmax, the zone's limit, drawn as SVG from the points the
// API returned. Dragging across it selects a range to zoom into.
import { svg } from "./dom";
import { ticks, type TimeRange } from "./history";
import type { LevelPoint } from "./historytypes";

const height = 260;
const pad = { left: 48, right: 12, top: 22, bottom: 28 };

export interface ChartInput {
  points: LevelPoint[];
  range: TimeRange;
  limit: number | null;
  width: number;
}

function timeLabel(ms: number, span: number): string {
  const d = new Date(ms);
  if (span <= 2 * 86_400_000) return d.toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
  return d.toLocaleDateString([], { day: "numeric", month: "short" });
}

/** Runs of points without gaps between them (a point not starting where the last ended begins a new run), so a line
 * never bridges time without data. */
function runs(points: LevelPoint[]): LevelPoint[][] {
  const out: LevelPoint[][] = [];
  let last: LevelPoint | null = null;
  for (const p of points) {
    if (p.laeq === null) {
      last = null;
      continue;
    }
    if (!last || Date.parse(p.start) > Date.parse(last.end)) out.push([]);
    out[out.length - 1]!.push(p);
    last = p;
  }
  return out;
}

export function drawChart(input: ChartInput, onSelect: (a: number, b: number) => void): SVGSVGElement {
  const { points, range, limit, width } = input;
  const innerW = width - pad.left - pad.right;
  const innerH = height - pad.top - pad.bottom;
  const span = range.to - range.from;
  const values = points.flatMap((p) => [p.laeq, p.lamax, p.l90]).filter((v): v is number => v !== null);
  const low = Math.floor(Math.min(40, ...values, limit ?? 40) / 5) * 5;
  const high = Math.ceil(Math.max(80, ...values, (limit ?? 0) + 5) / 5) * 5;
  const x = (ms: number) => pad.left + ((ms - range.from) / span) * innerW;
  const y = (db: number) => pad.top + (1 - (db - low) / (high - low)) * innerH;
  const mid = (p: LevelPoint) => (Date.parse(p.start) + Date.parse(p.end)) / 2;

  const root = svg("svg", {
    class: "history-svg", width, height, viewBox: `0 0 ${width} ${height}`, "aria-hidden": "true",
  });
  const grid = svg("g", { class: "axis" });
  for (const v of ticks(low, high, 5)) {
    grid.append(svg("line", { x1: pad.left, x2: width - pad.right, y1: y(v), y2: y(v), class: "gridline" }),
      svg("text", { x: pad.left - 6, y: y(v) + 4, "text-anchor": "end" }, String(v)));
  }
  const count = Math.max(2, Math.floor(innerW / 110));
  for (let i = 0; i <= count; i++) {
    const t = range.from + (span * i) / count;
    const anchor = i === 0 ? "start" : i === count ? "end" : "middle";
    grid.append(svg("text", { x: x(t), y: height - 8, "text-anchor": anchor }, timeLabel(t, span)));
  }
  grid.append(svg("text", { x: 4, y: 12 }, "dB(A)"));
  root.append(grid);

  for (const run of runs(points)) {
    const withBand = run.filter((p) => p.l10 !== null && p.l90 !== null);
    if (withBand.length > 1) {
      const top = withBand.map((p) => `${x(mid(p))},${y(p.l10!)}`);
      const bottom = withBand.reverse().map((p) => `${x(mid(p))},${y(p.l90!)}`);
      root.append(svg("polygon", { class: "band", points: [...top, ...bottom].join(" ") }));
    }
    const line = run.map((p) => `${x(mid(p))},${y(p.laeq!)}`).join(" ");
    root.append(run.length > 1
      ? svg("polyline", { class: "laeq", points: line })
      : svg("circle", { class: "laeq-dot", cx: x(mid(run[0]!)), cy: y(run[0]!.laeq!), r: 3 }));
  }
  for (const p of points) {
    if (p.lamax !== null) root.append(svg("circle", { class: "lamax", cx: x(mid(p)), cy: y(p.lamax), r: 1.6 }));
  }
  if (limit !== null) {
    root.append(svg("line", { class: "limit", x1: pad.left, x2: width - pad.right, y1: y(limit), y2: y(limit) }),
      svg("text", { class: "limit-label", x: width - pad.right - 4, y: y(limit) - 4, "text-anchor": "end" },
        `limit ${limit} dB(A)`));
  }

  // Drag to select: the chosen stretch becomes the new range.
  const selection = svg("rect", { class: "selection", y: pad.top, height: innerH, width: 0, visibility: "hidden" });
  const overlay = svg("rect", { class: "overlay", x: pad.left, y: pad.top, width: innerW, height: innerH });
  root.append(selection, overlay);
  const at = (event: PointerEvent) => {
    const box = root.getBoundingClientRect();
    const scale = box.width > 0 ? width / box.width : 1;
    return Math.min(1, Math.max(0, ((event.clientX - box.left) * scale - pad.left) / innerW));
  };
  let start: number | null = null;
  overlay.addEventListener("pointerdown", (event) => {
    start = at(event);
    overlay.setPointerCapture?.(event.pointerId);
  });
  overlay.addEventListener("pointermove", (event) => {
    if (start === null) return;
    const now = at(event);
    selection.setAttribute("x", String(pad.left + Math.min(start, now) * innerW));
    selection.setAttribute("width", String(Math.abs(now - start) * innerW));
    selection.setAttribute("visibility", "visible");
  });
  overlay.addEventListener("pointerup", (event) => {
    if (start === null) return;
    const a = start;
    start = null;
    selection.setAttribute("visibility", "hidden");
    onSelect(a, at(event));
  });
  return root;
}
