// The live chart of the selected sensor: readings, window LAeq with its L10–L90 band, and the threshold line.
import uPlot from "uplot";
import "uplot/dist/uPlot.min.css";
import { chartColumns, type ChartSeries } from "./state";

export class SensorChart {
  private plot: uPlot | null = null;
  private readonly observer: ResizeObserver;

  constructor(private readonly container: HTMLElement) {
    this.observer = new ResizeObserver(() => this.resize());
    this.observer.observe(container);
  }

  update(chart: ChartSeries | null, threshold: number): void {
    const data = chart ? chartColumns(chart, threshold) : [[], [], [], [], [], []];
    if (!this.plot) {
      this.plot = new uPlot(this.options(), data as uPlot.AlignedData, this.container);
    } else {
      this.plot.setData(data as uPlot.AlignedData);
    }
  }

  private options(): uPlot.Options {
    const width = Math.max(280, this.container.clientWidth);
    return {
      width,
      height: this.height(),
      legend: { show: true, live: false },
      cursor: { drag: { x: false, y: false } },
      scales: {
        x: { time: true },
        y: {
          range: (_u, min, max) => [Math.floor(Math.min(min ?? 40, 40) / 5) * 5, Math.ceil(Math.max(max ?? 80, 80) / 5) * 5 + 5],
        },
      },
      axes: [
        { stroke: "#5b6675", grid: { stroke: "#eef1f4" }, ticks: { stroke: "#dde2e8" } },
        { stroke: "#5b6675", grid: { stroke: "#eef1f4" }, ticks: { stroke: "#dde2e8" }, label: "dB(A)", size: 56 },
      ],
      series: [
        {},
        { label: "Reading LAeq", stroke: "#2f6fde", width: 1.5, spanGaps: true, points: { show: false } },
        { label: "Window LAeq", stroke: "#0f2a4a", width: 2.5, spanGaps: true, points: { show: true, size: 6, fill: "#0f2a4a" } },
        { label: "Window L10", stroke: "#7d8a9a", width: 1, dash: [2, 3], spanGaps: true, points: { show: false } },
        { label: "Window L90", stroke: "#7d8a9a", width: 1, dash: [2, 3], spanGaps: true, points: { show: false } },
        { label: "Threshold", stroke: "#e4572e", width: 1.5, dash: [6, 4], points: { show: false } },
      ],
    };
  }

  private height(): number {
    return window.innerWidth < 700 ? 200 : 260;
  }

  private resize(): void {
    if (this.plot) this.plot.setSize({ width: Math.max(280, this.container.clientWidth), height: this.height() });
  }
}
