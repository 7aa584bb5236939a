// Links from an alert to its log lines in Kibana Discover, filtered on the alert's correlation id.

/** Quotes a string for Rison, the URL notation Kibana's state uses: '…' with ' and ! escaped by !. */
export function risonString(value: string): string {
  return "'" + value.replace(/!/g, "!!").replace(/'/g, "!'") + "'";
}

/**
 * The id of the saved search "NOP logs" (deploy/kibana/saved-objects.ndjson, imported by kibana-setup): its columns
 * (service, level, message, correlation id, sensor, message type) instead of Discover's bare documents.
 */
export const NOP_LOGS_SEARCH_ID = "nop-logs";

/**
 * The saved search "NOP logs" in Discover (`#/view/<id>`) with the KQL query `CorrelationId:"<id>"` (the ECS
 * documents carry it at the top level under that name) over a time range from 15 minutes before the alert was
 * raised until now (or an hour after it was raised, for an old alert that is over). The URL's query replaces the
 * saved search's empty one; its columns stay.
 */
export function kibanaDiscoverUrl(base: string, correlationId: string, raisedAt: string, resolved = false): string {
  const raised = new Date(raisedAt);
  const from = new Date(raised.getTime() - 15 * 60_000).toISOString();
  const to = resolved ? new Date(raised.getTime() + 60 * 60_000).toISOString() : "now";
  const kql = `CorrelationId:"${correlationId.replace(/["\\]/g, "\\$&")}"`;
  const g = `(time:(from:${risonString(from)},to:${to === "now" ? "now" : risonString(to)}))`;
  const a = `(query:(language:kuery,query:${risonString(kql)}))`;
  const view = `#/view/${encodeURIComponent(NOP_LOGS_SEARCH_ID)}`;
  return `${base.replace(/\/+$/, "")}/app/discover${view}?_g=${encodeURIComponent(g)}&_a=${encodeURIComponent(a)}`;
}
