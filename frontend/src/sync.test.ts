import { describe, expect, it } from "vitest";
import { SyncGate } from "./sync";

describe("SyncGate", () => {
  it("holds pushes until every overlapping re-sync has finished, then applies them in order", () => {
    const gate = new SyncGate();
    const applied: string[] = [];
    const first = gate.begin();
    const second = gate.begin();
    gate.dispatch(() => applied.push("a"));
    gate.end(first);
    gate.dispatch(() => applied.push("b"));
    expect(applied).toEqual([]);
    gate.end(second);
    expect(applied).toEqual(["a", "b"]);
    gate.dispatch(() => applied.push("c"));
    expect(applied).toEqual(["a", "b", "c"]);
  });

  it("lets only the newest re-sync's snapshot apply", () => {
    const gate = new SyncGate();
    const first = gate.begin();
    const second = gate.begin();
    expect(gate.isLatest(first)).toBe(false);
    expect(gate.isLatest(second)).toBe(true);
  });
});
