import { germanIsoTime, kwhText, type EncodedMessage, type MeterRegisters } from "./registers.ts";

/** How a Tasmota SML script names its values; the two the simulator uses are presets of the bridge. */
export const TASMOTA_SCRIPTS = {
  /** ISKRA MT175: `+1,3,s,16,9600,MT175`, registers in kWh (`@1000`). */
  "iskra-mt175": { section: "MT175", importField: "E_in", exportField: "E_out", unit: "kWh" },
  /** eBZ DD3 read as OBIS text: `+1,3,o,0,9600,SM,1`, registers in Wh. */
  "ebz-dd3-obis": { section: "SM", importField: "1_8_0", exportField: "2_8_0", unit: "Wh" },
} as const;

export type TasmotaScript = keyof typeof TASMOTA_SCRIPTS;

/**
 * Tasmota's telemetry on `tele/<device>/SENSOR`:
 * `{"Time":"2026-06-21T10:15:00+02:00","MT175":{"E_in":1234.567,"E_out":0.042}}`. The time
 * carries its offset (SetOption52) so the repeated October hour stays unambiguous; kWh values keep
 * three decimals, so they hold the register to the Wh.
 */
export function encodeTasmota(
  meter: { device: string; script: TasmotaScript },
  { importWh, exportWh, unixSeconds }: MeterRegisters,
): EncodedMessage {
  const { section, importField, exportField, unit } = TASMOTA_SCRIPTS[meter.script];
  const value = (wh: bigint) => (unit === "kWh" ? kwhText(wh, 1) : wh.toString());
  // Written by hand: JSON.stringify cannot print a number with the digits the script prints.
  const payload =
    `{"Time":"${germanIsoTime(unixSeconds)}",${JSON.stringify(section)}:{` +
    `${JSON.stringify(importField)}:${value(importWh)},${JSON.stringify(exportField)}:${value(exportWh)}}}`;
  return { topic: `tele/${meter.device}/SENSOR`, payload };
}
