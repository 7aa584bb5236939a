// Re-syncs that may overlap (a reconnect while a "resync" push is being handled, a retry after a time-out): pushes
// wait until the last one has finished, and only the newest re-sync's snapshot is applied.

export class SyncGate {
  private inFlight = 0;
  private generation = 0;
  private readonly held: (() => void)[] = [];

  /** Applies a push now, or after the re-syncs in flight (so no older snapshot overwrites it). */
  dispatch(apply: () => void): void {
    if (this.inFlight > 0) this.held.push(apply);
    else apply();
  }

  /** Starts a re-sync; returns its generation. */
  begin(): number {
    this.inFlight++;
    return ++this.generation;
  }

  /** False once a newer re-sync has started: its snapshot will be newer. */
  isLatest(generation: number): boolean {
    return generation === this.generation;
  }

  /** Ends a re-sync; after the last one, the held pushes are applied in order. */
  end(_generation: number): void {
    this.inFlight = Math.max(0, this.inFlight - 1);
    if (this.inFlight === 0) for (const apply of this.held.splice(0)) apply();
  }
}
