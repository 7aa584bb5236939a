// How loud is loud: a sensor's colour is its level against its zone's threshold.

export type Band = "none" | "quiet" | "moderate" | "near" | "over" | "severe";

/** The band of a level against a threshold (dB(A)): well below, below, within 3 dB, above, 10 dB or more above. */
export function band(level: number | null | undefined, threshold: number): Band {
  if (level === null || level === undefined || !Number.isFinite(level)) return "none";
  const margin = level - threshold;
  if (margin >= 10) return "severe";
  if (margin >= 0) return "over";
  if (margin >= -3) return "near";
  if (margin >= -10) return "moderate";
  return "quiet";
}

export const bandLabel: Record<Band, string> = {
  none: "No data",
  quiet: "Well below limit",
  moderate: "Below limit",
  near: "Near limit",
  over: "Over limit",
  severe: "Far over limit",
};

/** Position (0–1) of a level on a gauge running from 30 dB(A) to threshold + 20. */
export function gauge(level: number | null | undefined, threshold: number): number {
  if (level === null || level === undefined || !Number.isFinite(level)) return 0;
  const low = 30;
  const high = threshold + 20;
  return Math.min(1, Math.max(0, (level - low) / (high - low)));
}

export function formatDb(level: number | null | undefined): string {
  return level === null || level === undefined || !Number.isFinite(level) ? "–" : level.toFixed(1);
}

/** Below this coverage a window is marked partial: its levels stand for less than half of its time. */
export const partialCoverage = 0.5;

/** A window whose covered time is below {@link partialCoverage}; unknown coverage is not judged partial. */
export function isPartial(coverage: number | null | undefined): boolean {
  return coverage !== null && coverage !== undefined && Number.isFinite(coverage) && coverage < partialCoverage;
}

/** Coverage as a whole percentage ("83 %"), or a dash when unknown. */
export function formatCoverage(coverage: number | null | undefined): string {
  if (coverage === null || coverage === undefined || !Number.isFinite(coverage)) return "–";
  return `${Math.round(coverage * 100)} %`;
}

/** "L10 / L50 / L90" of a window, one decimal each, a dash for an unknown one. */
type Level = number | null | undefined;

export function formatPercentiles(l10: Level, l50: Level, l90: Level): string {
  return `${formatDb(l10)} / ${formatDb(l50)} / ${formatDb(l90)}`;
}
