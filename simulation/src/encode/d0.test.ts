import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { decodeD0 } from "../../../meter-bridge/src/formats/d0.ts";
import { encodeD0 } from "./d0.ts";
import { arrival, assertDecoded, registerSamples } from "./test-support.ts";

const meter = { device: "d0-1", meterId: "1SIM0000000001" };
const settings = { d0: { meters: { "1SIM0000000001": { meteringPointId: "DE-SIM-1" } } } };
const decode = (payload: string | Uint8Array, receivedAt: Date) =>
  decodeD0({ topic: "meters/d0/d0-1", payload: Buffer.from(payload), receivedAt, settings });

describe("encodeD0", () => {
  it("writes mode C readouts the bridge's D0 decoder accepts (BCC) with the same registers", async () => {
    for (const registers of registerSamples()) {
      const { topic, payload } = encodeD0(meter, registers);
      assert.equal(topic, "meters/d0/d0-1");
      assertDecoded(
        await decode(payload, arrival(registers)),
        { ...registers, meteringPointId: "DE-SIM-1" },
        "arrival",
      );
    }
  });

  it("is caught by the block check character when a digit changes", async () => {
    const registers = { importWh: 123_456n, exportWh: 0n, unixSeconds: 1_800_000_000 };
    const bytes = Buffer.from(encodeD0(meter, registers).payload);
    bytes[bytes.indexOf("123.456")] = "2".charCodeAt(0);
    const decoded = await decode(bytes, arrival(registers));
    assert.ok(!decoded.ok && /BCC/.test(decoded.reason));
  });
});
