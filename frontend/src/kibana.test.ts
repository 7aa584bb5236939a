import { describe, expect, it } from "vitest";
import { kibanaDiscoverUrl, NOP_LOGS_SEARCH_ID, risonString } from "./kibana";

describe("risonString", () => {
  it("escapes quotes and bangs the Rison way", () => {
    expect(risonString("it's")).toBe("'it!'s'");
    expect(risonString("wow!")).toBe("'wow!!'");
  });
});

describe("kibanaDiscoverUrl", () => {
  it("opens the saved NOP logs search on the correlation id from 15 minutes before the alert until now", () => {
    const url = kibanaDiscoverUrl("http://kibana:5601/", "019a-corr", "2026-11-23T10:00:00.000Z");
    // The id of the "NOP logs" search in deploy/kibana/saved-objects.ndjson (KibanaSetupTests checks it is there).
    expect(NOP_LOGS_SEARCH_ID).toBe("nop-logs");
    expect(url.startsWith("http://kibana:5601/app/discover#/view/nop-logs?_g=")).toBe(true);
    const hash = new URL(url).hash;
    const params = new URLSearchParams(hash.slice(hash.indexOf("?") + 1));
    expect(params.get("_g")).toBe("(time:(from:'2026-11-23T09:45:00.000Z',to:now))");
    expect(params.get("_a")).toBe(`(query:(language:kuery,query:'CorrelationId:"019a-corr"'))`);
  });

  it("bounds the range of a resolved alert to an hour after it was raised", () => {
    const url = kibanaDiscoverUrl("https://logs.example", "x", "2026-11-23T10:00:00.000Z", true);
    const hash = new URL(url).hash;
    const params = new URLSearchParams(hash.slice(hash.indexOf("?") + 1));
    expect(params.get("_g")).toBe("(time:(from:'2026-11-23T09:45:00.000Z',to:'2026-11-23T11:00:00.000Z'))");
  });

  it("keeps a hostile correlation id inside the quoted KQL value", () => {
    const url = kibanaDiscoverUrl("http://k", `a" or "b'!`, "2026-11-23T10:00:00.000Z");
    const hash = new URL(url).hash;
    const a = new URLSearchParams(hash.slice(hash.indexOf("?") + 1)).get("_a");
    expect(a).toBe(`(query:(language:kuery,query:'CorrelationId:"a\\" or \\"b!'!!"'))`);
  });
});
