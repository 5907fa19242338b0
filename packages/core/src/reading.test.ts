import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { parseReading } from "./reading.ts";

const topic = "nachbarstrom/burtscheid-sued/DE0001234520660000000000000000001/reading";
const good = { importWh: 1_234_567, exportWh: 89, timestamp: "2026-06-21T10:15:00Z" };

describe("parseReading", () => {
  it("parses a valid reading", () => {
    const result = parseReading(topic, JSON.stringify(good));
    assert.deepEqual(result, {
      ok: true,
      reading: {
        neighbourhood: "burtscheid-sued",
        meteringPointId: "DE0001234520660000000000000000001",
        importWh: 1_234_567n,
        exportWh: 89n,
        unixSeconds: Date.UTC(2026, 5, 21, 10, 15) / 1000,
      },
    });
  });

  const bad: [string, string, string | Uint8Array, RegExp][] = [
    ["a topic outside the scheme", "nachbarstrom/x/reading", JSON.stringify(good), /topic/],
    ["invalid JSON", topic, "{importWh: 1", /not valid JSON/],
    ["a missing field", topic, JSON.stringify({ importWh: 1, timestamp: good.timestamp }), /^exportWh:/],
    ["a negative register", topic, JSON.stringify({ ...good, importWh: -5 }), /^importWh: .*\(got -5\)/],
    ["a fractional register", topic, JSON.stringify({ ...good, exportWh: 1.5 }), /^exportWh:/],
    ["a register as string", topic, JSON.stringify({ ...good, exportWh: "12" }), /^exportWh:.*"12"/],
    ["a timestamp without zone", topic, JSON.stringify({ ...good, timestamp: "2026-06-21T10:15:00" }), /^timestamp:/],
    ["an unknown field", topic, JSON.stringify({ ...good, power: 3 }), /power/],
    ["an array", topic, "[1,2]", /^payload:/],
  ];
  for (const [what, t, payload, reason] of bad) {
    it(`rejects ${what} with a reason`, () => {
      const result = parseReading(t, payload);
      assert.equal(result.ok, false);
      if (!result.ok) assert.match(result.reason, reason);
    });
  }
});
