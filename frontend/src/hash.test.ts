import { describe, expect, it } from "vitest";
import { hashFor, sensorFromHash } from "./hash";

describe("sensorFromHash", () => {
  it("reads the selected sensor", () => {
    expect(sensorFromHash("#sensor=dev-001")).toBe("dev-001");
    expect(sensorFromHash(hashFor("dev-002"))).toBe("dev-002");
    expect(sensorFromHash("#view=map&sensor=dev-003")).toBe("dev-003");
  });

  it("falls back to no sensor on a malformed fragment instead of throwing", () => {
    for (const hash of [
      "", "#", "#%E0%A4%A", "#sensor=", "#sensor=%E0%A4%A", "#sensor=%", "#history/<script>",
      "#sensor=<script>alert(1)</script>", "#sensor=DEV-001", "#sensor=-dev", "#sensor=dev%2F001",
      `#sensor=${"a".repeat(65)}`, `#sensor=dev-001&${"x".repeat(100_000)}`, "#xsensor=dev-001",
    ]) {
      expect(sensorFromHash(hash), hash.slice(0, 40)).toBeNull();
    }
  });
});
