import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { decodeSml } from "../../../meter-bridge/src/formats/sml.ts";
import { encodeSml } from "./sml.ts";
import { arrival, assertDecoded, registerSamples } from "./test-support.ts";

const meter = {
  device: "ehz-1",
  serverId: Uint8Array.from([0x0a, 0x01, 0x53, 0x49, 0x4d, 0x00, 0x00, 0x00, 0x00, 0x01]),
};
const settings = { sml: { meters: { "0a0153494d0000000001": { meteringPointId: "DE-SIM-1" } } } };
const decode = (payload: string | Uint8Array, receivedAt: Date) =>
  decodeSml({ topic: "meters/sml/ehz-1", payload: Buffer.from(payload), receivedAt, settings });

describe("encodeSml", () => {
  it("writes SML files the bridge's decoder accepts (frame, escapes, fill, CRC) with the same registers", async () => {
    for (const registers of registerSamples()) {
      const { topic, payload } = encodeSml(meter, registers);
      assert.equal(topic, "meters/sml/ehz-1");
      assert.equal(payload.length % 4, 0);
      assertDecoded(
        await decode(payload, arrival(registers)),
        { ...registers, meteringPointId: "DE-SIM-1" },
        "arrival",
      );
    }
  });

  it("escapes a data word that equals the escape sequence", async () => {
    // Ten 0x1b bytes in the server id always hold a whole 4-byte word of them.
    const escapy = { device: "ehz-2", serverId: new Uint8Array(10).fill(0x1b) };
    const registers = { importWh: 42n, exportWh: 1n, unixSeconds: 1_800_000_000 };
    const { payload } = encodeSml(escapy, registers);
    const words = Array.from({ length: payload.length / 4 }, (_, i) => Buffer.from(payload).readUInt32BE(i * 4));
    const doubled = words.findIndex((word, i) => i > 1 && word === 0x1b1b1b1b && words[i + 1] === 0x1b1b1b1b);
    assert.ok(doubled > 1, "an escaped word inside the data");
    const decoded = await decodeSml({
      topic: "meters/sml/ehz-2",
      payload: Buffer.from(payload),
      receivedAt: arrival(registers),
      settings: { sml: { meters: { "1b1b1b1b1b1b1b1b1b1b": { meteringPointId: "DE-SIM-2" } } } },
    });
    assertDecoded(decoded, { ...registers, meteringPointId: "DE-SIM-2" }, "arrival");
  });

  it("is caught by the CRC when a bit flips", async () => {
    const registers = { importWh: 4711n, exportWh: 0n, unixSeconds: 1_800_000_000 };
    const bytes = Buffer.from(encodeSml(meter, registers).payload);
    bytes[40] ^= 0x04;
    const decoded = await decode(bytes, arrival(registers));
    assert.equal(decoded.ok, false);
  });
});
