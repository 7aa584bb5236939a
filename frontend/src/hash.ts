// The page's address names the selected sensor: `#sensor=<id>`. Anyone can write a fragment (a link, a bookmark), so
// a malformed one selects nothing and the page starts as usual: decodeURIComponent throws a URIError on a bad escape,
// and an id that cannot be a sensor's would only go on to the hub and the history API to be refused there.

/** A sensor id as Ingest accepts it (ReadingLimits.SensorIdPattern). */
const sensorId = /^[a-z0-9][a-z0-9-]{0,63}$/;

/** Longer than any well-formed fragment: not searched at all. */
const maxHash = 256;

/** The sensor a `location.hash` selects, or null for the default view. */
export function sensorFromHash(hash: string): string | null {
  if (hash.length > maxHash) return null;
  const match = /(?:^#?|&)sensor=([^&]*)/.exec(hash);
  if (!match) return null;
  let id: string;
  try {
    id = decodeURIComponent(match[1]!);
  } catch {
    return null;
  }
  return sensorId.test(id) ? id : null;
}

/** The fragment that selects a sensor. */
export function hashFor(id: string): string {
  return `#sensor=${encodeURIComponent(id)}`;
}
