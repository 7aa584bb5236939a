// What the page says through its live region: each newly raised alert once, nothing else.
import { ruleLabel } from "./format";
import { formatDb } from "./levels";
import type { AlertChange } from "./types";

/** The sentence announcing an alert change, or null when it is not news: only a `raised` alert the page did not
 * already hold (a redelivery or an alert from the snapshot is not announced again). */
export function announcement(change: AlertChange, known: boolean, sensorName: string | undefined): string | null {
  if (change.kind !== "raised" || known) return null;
  const level = change.level !== null ? `, ${formatDb(change.level)} dB(A)` : "";
  const severity = change.severity ? `${change.severity} ` : "";
  return `New ${severity}alert: ${ruleLabel[change.rule] ?? change.rule} at ${sensorName ?? change.sensorId}${level}.`;
}
