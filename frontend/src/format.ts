// Times and labels as a person reads them.

export function clockTime(iso: string | Date): string {
  const date = typeof iso === "string" ? new Date(iso) : iso;
  return date.toLocaleTimeString([], { hour: "2-digit", minute: "2-digit", second: "2-digit", hour12: false });
}

/** "just now", "4 min ago", "2 h ago", or the date for anything older than a day. */
export function relativeTime(iso: string, now: Date = new Date()): string {
  const then = new Date(iso);
  const seconds = Math.round((now.getTime() - then.getTime()) / 1000);
  if (seconds < 45) return "just now";
  const minutes = Math.round(seconds / 60);
  if (minutes < 60) return `${minutes} min ago`;
  const hours = Math.round(minutes / 60);
  if (hours < 24) return `${hours} h ago`;
  return then.toLocaleDateString([], { day: "numeric", month: "short" });
}

export const ruleLabel: Record<string, string> = {
  level: "Level over limit",
  "spike-rate": "Repeated spikes",
  spike: "Noise spike",
  "sensor-fault": "Sensor fault",
};

export const zoneLabel: Record<string, string> = {
  residential: "Residential",
  commercial: "Commercial",
  industrial: "Industrial",
  quiet: "Quiet area",
};

export const faultLabel: Record<string, string> = {
  stuck: "Stuck",
  implausible: "Implausible values",
  offline: "Offline",
};
