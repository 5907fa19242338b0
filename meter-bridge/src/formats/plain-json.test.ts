import { describe, test } from "node:test";
import { decodePlainJson } from "./plain-json.ts";
import { assertReadings, assertRejected, fixture, input, utf8 } from "./test-support.ts";

const TOPIC = "nachbarstrom/burtscheid-sued/DE0001234520660000000000000000001/reading";
const decode = (payload: Uint8Array, topic = TOPIC) => decodePlainJson(input(payload, "2026-11-23T10:15:01Z", topic));

describe("plain JSON readings", () => {
  test("decodes the documented example, with the neighbourhood from the topic", async () => {
    assertReadings(await decode(fixture("plain-json/reading.json")), [
      {
        meteringPointId: "DE0001234520660000000000000000001",
        neighbourhood: "burtscheid-sued",
        timestamp: "2026-11-23T10:15:00Z",
        importWh: 1_234_567n,
        exportWh: 89_012n,
      },
    ]);
  });

  test("keeps core's reasons and adds the common checks", async () => {
    assertRejected(
      await decode(utf8('{"importWh":-1,"exportWh":0,"timestamp":"2026-11-23T10:15:00Z"}')),
      /^plain JSON: importWh: Too small/,
    );
    assertRejected(
      await decode(fixture("plain-json/reading.json"), "nachbarstrom/x/reading"),
      /^plain JSON: topic "nachbarstrom\/x\/reading"/,
    );
    assertRejected(
      await decode(utf8('{"importWh":1e13,"exportWh":0,"timestamp":"2026-11-23T10:15:00Z"}')),
      /absurd: 10000000000000 Wh/,
    );
    assertRejected(
      await decode(utf8('{"importWh":1,"exportWh":0,"timestamp":"2026-11-23T11:15:00Z"}')),
      /3599 s after the message was received/,
    );
  });
});
