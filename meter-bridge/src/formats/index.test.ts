import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { DECODERS, decodeMessage, formatOfTopic } from "./index.ts";
import { fixture, input } from "./test-support.ts";

describe("format index", () => {
  test("dispatches by format name and rejects unknown names", async () => {
    const result = await decodeMessage(
      "tasmota",
      input(fixture("tasmota/iskra-mt175.json"), "2026-06-21T08:15:03Z", "tele/keller-mt175/SENSOR"),
    );
    assert.ok(result.ok);
    assert.deepEqual(await decodeMessage("modbus", input(new Uint8Array(), "2026-06-21T08:15:03Z")), {
      ok: false,
      reason: `unknown format "modbus" (known: ${Object.keys(DECODERS).join(", ")})`,
    });
    assert.equal((await decodeMessage("toString", input(new Uint8Array(), "2026-06-21T08:15:03Z"))).ok, false);
  });

  test("knows the formats whose topic names them", () => {
    assert.equal(formatOfTopic("nachbarstrom/burtscheid-sued/DE1/reading"), "plain-json");
    assert.equal(formatOfTopic("tele/keller/SENSOR"), "tasmota");
    assert.equal(formatOfTopic("v3/app@ttn/devices/dev-1/up"), "lorawan");
    assert.equal(formatOfTopic("p1/telegram"), undefined);
  });
});
