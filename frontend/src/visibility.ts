// Which tiles are on screen (with a margin): only those are drawn and only their sensors' readings are asked for.

/** Tiles nearer the viewport than this are drawn (and watched) before they scroll in. */
const margin = "300px";

export class VisibleTiles {
  private readonly visible = new Set<string>();
  private readonly observer: IntersectionObserver;

  /** `changed` gets the ids that came into view (to draw them now) after every change of the visible set. */
  constructor(private readonly changed: (entered: string[]) => void) {
    this.observer = new IntersectionObserver((entries) => this.onEntries(entries), { rootMargin: margin });
  }

  observe(tile: HTMLElement): void {
    this.observer.observe(tile);
  }

  /** A tile leaves the grid (filtered out): it is no longer visible, whatever the observer says later. */
  forget(tile: HTMLElement): void {
    this.observer.unobserve(tile);
    const id = tile.dataset.sensorId;
    if (id && this.visible.delete(id)) this.changed([]);
  }

  has(sensorId: string): boolean {
    return this.visible.has(sensorId);
  }

  ids(): string[] {
    return [...this.visible];
  }

  private onEntries(entries: IntersectionObserverEntry[]): void {
    const entered: string[] = [];
    let change = false;
    for (const entry of entries) {
      const id = (entry.target as HTMLElement).dataset.sensorId;
      if (!id) continue;
      if (entry.isIntersecting && !this.visible.has(id)) {
        this.visible.add(id);
        entered.push(id);
        change = true;
      } else if (!entry.isIntersecting && this.visible.delete(id)) {
        change = true;
      }
    }
    if (change) this.changed(entered);
  }
}
