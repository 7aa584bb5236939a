// Links from an alert to its log lines in Kibana Discover, filtered on the alert's correlation id.

/** Quotes a string for Rison, the URL notation Kibana's state uses: '…' with ' and ! escaped by !. */
export function risonString(value: string): string {
  return "'" + value.replace(/!/g, "!!").replace(/'/g, "!'") + "'";
}

/**
 * Discover with the KQL query `CorrelationId:"<id>"` over a time range from 15 minutes before the alert was raised
 * until now (or an hour after it was raised, for an old alert that is over).
 */
export function kibanaDiscoverUrl(base: string, correlationId: string, raisedAt: string, resolved = false): string {
  const raised = new Date(raisedAt);
  const from = new Date(raised.getTime() - 15 * 60_000).toISOString();
  const to = resolved ? new Date(raised.getTime() + 60 * 60_000).toISOString() : "now";
  const kql = `CorrelationId:"${correlationId.replace(/["\\]/g, "\\$&")}"`;
  const g = `(time:(from:${risonString(from)},to:${to === "now" ? "now" : risonString(to)}))`;
  const a = `(query:(language:kuery,query:${risonString(kql)}))`;
  return `${base.replace(/\/+$/, "")}/app/discover#/?_g=${encodeURIComponent(g)}&_a=${encodeURIComponent(a)}`;
}
