import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { devAccount } from "@nachbarstrom/core";
import { decodeEip712 } from "../../../meter-bridge/src/formats/eip712.ts";
import { encodeEip712 } from "./eip712.ts";
import { arrival, assertDecoded, registerSamples } from "./test-support.ts";

// WELL-KNOWN development keys (the test mnemonic), as the simulator's meters use them.
const signer = devAccount(1000);
const meter = { device: "sig-1", meteringPointId: "DE-SIM-1", signer };
const settings = { eip712: { signers: { "DE-SIM-1": signer.address } } };

describe("encodeEip712", () => {
  it("signs readings the bridge's EIP-712 decoder verifies and reads back to the Wh and the second", async () => {
    for (const registers of registerSamples(40)) {
      const { topic, payload } = await encodeEip712(meter, registers);
      assert.equal(topic, "meters/eip712/sig-1");
      const decoded = await decodeEip712({
        topic,
        payload: Buffer.from(payload),
        receivedAt: arrival(registers),
        settings,
      });
      assertDecoded(decoded, { ...registers, meteringPointId: "DE-SIM-1" }, "message");
      assert.equal(decoded.ok && decoded.readings[0].signed, true);
    }
  });

  it("is refused when signed by another meter's key", async () => {
    const registers = { importWh: 1n, exportWh: 2n, unixSeconds: 1_800_000_000 };
    const { topic, payload } = await encodeEip712({ ...meter, signer: devAccount(1001) }, registers);
    const decoded = await decodeEip712({
      topic,
      payload: Buffer.from(payload),
      receivedAt: arrival(registers),
      settings,
    });
    assert.ok(!decoded.ok && /not by the signer registered/.test(decoded.reason));
  });
});
