import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { decodeLorawan } from "../../../meter-bridge/src/formats/lorawan.ts";
import { encodeLorawan } from "./lorawan.ts";
import { arrival, assertDecoded, registerSamples } from "./test-support.ts";

const meter = { deviceId: "sim-meter-01", devEui: "70B3D57ED0000001" };
const settings = {
  lorawan: {
    fields: { import: "importWh", export: "exportWh", unit: "Wh" as const },
    devices: { "70B3D57ED0000001": { meteringPointId: "DE-SIM-1" } },
  },
};

describe("encodeLorawan", () => {
  it("writes uplinks the bridge's LoRaWAN decoder reads back to the Wh and the second", async () => {
    for (const registers of registerSamples()) {
      const { topic, payload } = encodeLorawan(meter, registers);
      assert.equal(topic, "v3/nachbarstrom-sim@ttn/devices/sim-meter-01/up");
      const decoded = await decodeLorawan({
        topic,
        payload: Buffer.from(payload),
        receivedAt: arrival(registers),
        settings,
      });
      assertDecoded(decoded, { ...registers, meteringPointId: "DE-SIM-1" }, "message");
      // The frame payload carries the same registers, as the payload formatter reads them.
      const frame = Buffer.from(JSON.parse(String(payload)).uplink_message.frm_payload, "base64");
      assert.deepEqual([frame.readBigUInt64BE(0), frame.readBigUInt64BE(8)], [registers.importWh, registers.exportWh]);
    }
  });
});
