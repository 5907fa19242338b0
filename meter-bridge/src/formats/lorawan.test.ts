import { describe, test } from "node:test";
import { decodeLorawan } from "./lorawan.ts";
import { assertReadings, assertRejected, fixture, input, utf8 } from "./test-support.ts";

const AT = "2026-06-21T08:15:02Z";
const TOPIC = "v3/nachbarstrom-meters@ttn/devices/meter-burtscheid-17/up";
const uplink = JSON.parse(Buffer.from(fixture("lorawan/uplink-wh.json")).toString("utf8"));
const decode = (payload: Uint8Array | object, topic = TOPIC) =>
  decodeLorawan(input(payload instanceof Uint8Array ? payload : utf8(JSON.stringify(payload)), AT, topic));
const withDecoded = (decoded: unknown) => ({
  ...uplink,
  uplink_message: { ...uplink.uplink_message, decoded_payload: decoded },
});

describe("LoRaWAN uplinks from The Things Stack", () => {
  test("default fields importWh/exportWh; the network server's reception time", async () => {
    assertReadings(await decode(fixture("lorawan/uplink-wh.json")), [
      { meteringPointId: "DE-LORA-17", timestamp: "2026-06-21T08:15:01Z", importWh: 1_234_567n, exportWh: 89_012n },
    ]);
  });

  test("a device with its own field mapping in kWh, DevEUI matched in any case", async () => {
    const topic = "v3/nachbarstrom-meters@ttn/devices/heat-pump-meter-3/up";
    assertReadings(await decode(fixture("lorawan/uplink-kwh.json"), topic), [
      { meteringPointId: "DE-LORA-PUMP", timestamp: "2026-06-21T08:15:01Z", importWh: 5_432_123n, exportWh: 0n },
    ]);
  });

  test("rejects unknown devices, a topic for another device, simulated uplinks, missing payload formatters", async () => {
    assertRejected(
      await decode({ ...uplink, end_device_ids: { ...uplink.end_device_ids, dev_eui: "0004A30B001C0531" } }),
      /unknown device: DevEUI 0004A30B001C0531/,
    );
    assertRejected(
      await decode(uplink, "v3/nachbarstrom-meters@ttn/devices/other/up"),
      /does not match the topic's device "other"/,
    );
    assertRejected(await decode({ ...uplink, simulated: true }), /the uplink is simulated/);
    assertRejected(
      await decode(withDecoded(undefined)),
      /decoded_payload is missing: the application needs a payload formatter/,
    );
    assertRejected(
      await decode(uplink, "v3/nachbarstrom-meters@ttn/devices/meter-burtscheid-17/join"),
      /is not v3\/<application>\/devices\/<device>\/up/,
    );
  });

  test("rejects missing, negative, non-numeric and absurd registers and future times", async () => {
    assertRejected(await decode(withDecoded({ importWh: 1 })), /decoded_payload\.exportWh \(export, Wh\) is missing/);
    assertRejected(
      await decode(withDecoded({ importWh: -5, exportWh: 0 })),
      /decoded_payload\.importWh \(import, Wh\) is negative \(-5\)/,
    );
    assertRejected(await decode(withDecoded({ importWh: true, exportWh: 0 })), /is not a number \(true\)/);
    assertRejected(await decode(withDecoded({ importWh: 1e13, exportWh: 0 })), /absurd/);
    const future = { ...uplink, uplink_message: { ...uplink.uplink_message, received_at: "2026-06-21T09:15:01Z" } };
    assertRejected(await decode(future), /is 3599 s after the message was received/);
    const noTime = {
      ...uplink,
      received_at: undefined,
      uplink_message: { ...uplink.uplink_message, received_at: undefined },
    };
    assertRejected(await decode(noTime), /received_at is missing/);
  });
});
