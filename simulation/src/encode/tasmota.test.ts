import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { decodeTasmota } from "../../../meter-bridge/src/formats/tasmota.ts";
import { TASMOTA_PRESETS } from "../../../meter-bridge/src/formats/tasmota-presets.ts";
import { encodeTasmota, TASMOTA_SCRIPTS, type TasmotaScript } from "./tasmota.ts";
import { arrival, assertDecoded, registerSamples, SUMMER, WINTER } from "./test-support.ts";

const settings = {
  tasmota: {
    devices: {
      keller: { meteringPointId: "DE-SIM-1", preset: "iskra-mt175" as const },
      flur: { meteringPointId: "DE-SIM-2", preset: "ebz-dd3-obis" as const },
    },
  },
};
const meters: { device: string; script: TasmotaScript; meteringPointId: string }[] = [
  { device: "keller", script: "iskra-mt175", meteringPointId: "DE-SIM-1" },
  { device: "flur", script: "ebz-dd3-obis", meteringPointId: "DE-SIM-2" },
];

describe("encodeTasmota", () => {
  it("writes what the bridge's Tasmota decoder reads back to the Wh and the second, for both scripts", async () => {
    for (const registers of registerSamples()) {
      for (const meter of meters) {
        const { topic, payload } = encodeTasmota(meter, registers);
        const decoded = await decodeTasmota({
          topic,
          payload: Buffer.from(payload),
          receivedAt: arrival(registers),
          settings,
        });
        assertDecoded(decoded, { ...registers, meteringPointId: meter.meteringPointId }, "message");
      }
    }
  });

  it("uses the bridge's presets and prints the clock with its summer or winter offset", () => {
    for (const [name, script] of Object.entries(TASMOTA_SCRIPTS)) {
      assert.deepEqual(script, TASMOTA_PRESETS[name as TasmotaScript], name);
    }
    const summer = encodeTasmota(meters[0], { importWh: 1_234_567n, exportWh: 42n, unixSeconds: SUMMER });
    assert.equal(summer.topic, "tele/keller/SENSOR");
    assert.equal(summer.payload, '{"Time":"2026-06-21T10:15:00+02:00","MT175":{"E_in":1234.567,"E_out":0.042}}');
    const winter = encodeTasmota(meters[1], { importWh: 5n, exportWh: 0n, unixSeconds: WINTER });
    assert.equal(winter.payload, '{"Time":"2026-01-15T07:00:00+01:00","SM":{"1_8_0":5,"2_8_0":0}}');
  });
});
