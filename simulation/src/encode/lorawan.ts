import { utcIsoTime, type EncodedMessage, type MeterRegisters } from "./registers.ts";

/** The simulator's application on The Things Stack (`<application>@<tenant>`). */
export const LORAWAN_APPLICATION = "nachbarstrom-sim@ttn";

/**
 * An uplink as The Things Stack v3 publishes it on `v3/<application>/devices/<device>/up`: the
 * frame payload is import and export as two big-endian uint64 (Wh), which the application's payload
 * formatter turns into `decoded_payload: {importWh, exportWh}` (the bridge's default field mapping).
 * The time is the network server's `received_at`, in nanoseconds as TTS writes it.
 */
export function encodeLorawan(
  meter: { deviceId: string; devEui: string },
  { importWh, exportWh, unixSeconds }: MeterRegisters,
): EncodedMessage {
  const frame = Buffer.alloc(16);
  frame.writeBigUInt64BE(importWh, 0);
  frame.writeBigUInt64BE(exportWh, 8);
  const receivedAt = utcIsoTime(unixSeconds).replace("Z", ".000000000Z");
  const [application] = LORAWAN_APPLICATION.split("@");
  const payload = JSON.stringify({
    end_device_ids: {
      device_id: meter.deviceId,
      application_ids: { application_id: application },
      dev_eui: meter.devEui,
    },
    received_at: receivedAt,
    uplink_message: {
      f_port: 1,
      frm_payload: frame.toString("base64"),
      // A payload formatter's output: numbers, exact below 2^53 Wh.
      decoded_payload: { importWh: Number(importWh), exportWh: Number(exportWh) },
      received_at: receivedAt,
    },
  });
  return { topic: `v3/${LORAWAN_APPLICATION}/devices/${meter.deviceId}/up`, payload };
}
