import { defineDecoder, fail, own, quote } from "./decoder.ts";
import { jsonToWh } from "./energy.ts";
import { parseJsonObject, valueAtPath } from "./json.ts";
import type { LorawanDevice, LorawanFields } from "./settings.ts";
import { parseIsoTime } from "./time.ts";

const TOPIC = /^v3\/([^/]+)\/devices\/([^/]+)\/up$/;
export const LORAWAN_DEFAULT_FIELDS: LorawanFields = { import: "importWh", export: "exportWh", unit: "Wh" };

/**
 * An uplink as The Things Stack v3 publishes it on `v3/<application>@<tenant>/devices/<device>/up`:
 * the registers come from the payload formatter's `uplink_message.decoded_payload` (field names set
 * per application or device), the device from `end_device_ids.dev_eui`, the time from
 * `uplink_message.received_at` (the network server's reception). Simulated uplinks are rejected.
 */
export const decodeLorawan = defineDecoder("LoRaWAN uplink", ({ topic, payload, settings }) => {
  const match = TOPIC.exec(topic);
  if (!match) return fail(`topic ${quote(topic)} is not v3/<application>/devices/<device>/up`);
  const lorawan = settings.lorawan;
  if (!lorawan) return fail("no LoRaWAN settings are configured");
  const json = parseJsonObject(payload);
  if (!json.ok) return json;
  const message = json.value;
  if (message.simulated === true) return fail("the uplink is simulated (sent from the console), not from the device");

  const deviceId = valueAtPath(message, "end_device_ids.device_id");
  if (deviceId !== match[2]) {
    return fail(
      `end_device_ids.device_id ${quote(deviceId ?? null)} does not match the topic's device ${quote(match[2])}`,
    );
  }
  const devEui = valueAtPath(message, "end_device_ids.dev_eui");
  if (typeof devEui !== "string" || !/^[0-9A-Fa-f]{16}$/.test(devEui)) {
    return fail(`end_device_ids.dev_eui ${quote(devEui ?? null)} is not 16 hex digits`);
  }
  const device = findDevice(lorawan.devices, devEui);
  if (!device) return fail(`unknown device: DevEUI ${devEui.toUpperCase()} is not in the LoRaWAN settings`);

  const uplink = valueAtPath(message, "uplink_message");
  if (uplink === null || typeof uplink !== "object") return fail("uplink_message is missing");
  const decoded = valueAtPath(uplink, "decoded_payload");
  if (decoded === null || typeof decoded !== "object" || Array.isArray(decoded)) {
    return fail("uplink_message.decoded_payload is missing: the application needs a payload formatter");
  }
  const receivedAt = valueAtPath(uplink, "received_at") ?? message.received_at;
  if (typeof receivedAt !== "string") return fail("uplink_message.received_at is missing");
  const time = parseIsoTime(receivedAt);
  if (!time.ok) return fail(`uplink_message.received_at ${time.problem}`);

  const fields = device.fields ?? lorawan.fields ?? LORAWAN_DEFAULT_FIELDS;
  const importWh = jsonToWh(valueAtPath(decoded, fields.import), fields.unit);
  if (!importWh.ok) return fail(`decoded_payload.${fields.import} (import, ${fields.unit}) ${importWh.problem}`);
  let exportWh = 0n;
  if (!device.importOnly) {
    if (fields.export === undefined) return fail(`the field mapping of DevEUI ${devEui} names no export field`);
    const exported = jsonToWh(valueAtPath(decoded, fields.export), fields.unit);
    if (!exported.ok) return fail(`decoded_payload.${fields.export} (export, ${fields.unit}) ${exported.problem}`);
    exportWh = exported.wh;
  }
  return {
    ok: true,
    readings: [{ meteringPointId: device.meteringPointId, unixMs: time.unixMs, importWh: importWh.wh, exportWh }],
  };
});

function findDevice(devices: Record<string, LorawanDevice>, devEui: string): LorawanDevice | undefined {
  return own(devices, devEui.toUpperCase()) ?? own(devices, devEui.toLowerCase()) ?? own(devices, devEui);
}
