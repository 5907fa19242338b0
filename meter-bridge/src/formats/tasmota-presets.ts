import type { TasmotaFieldMapping } from "./settings.ts";

/**
 * Field names of the common German meters as the scripts in Tasmota's Smart Meter Interface
 * documentation print them (docs/Smart-Meter-Interface.md, tasmota/docs). A device whose script
 * differs overrides `section`, `importField`, `exportField` or `unit` next to the preset.
 */
export const TASMOTA_PRESETS = {
  /** eBZ DD3, SM type (SML binary): `+1,13,s,0,9600,SML`, `…@100000000,…,kWh,1_8_0,8`. */
  "ebz-dd3": { section: "SML", importField: "1_8_0", exportField: "2_8_0", unit: "kWh" },
  /** eBZ DD3, OD type (OBIS ASCII): `+1,3,o,0,9600,SM,1`, `1-0:1.8.0*255(@0.001,…,Wh,1_8_0,8`. */
  "ebz-dd3-obis": { section: "SM", importField: "1_8_0", exportField: "2_8_0", unit: "Wh" },
  /**
   * EMH eHZ (SML), named as in issue 5's example `{"eHZ":{"E_in":…,"E_out":…}}` (the MT175 script's
   * names). The documented "eHZ Generation K" script prints `total_in`/`total_out`: override for it.
   */
  "emh-ehz": { section: "eHZ", importField: "E_in", exportField: "E_out", unit: "kWh" },
  /** ISKRA MT175 (SML): `+1,3,s,16,9600,MT175`, `1,77070100010800ff@1000,E_in,kWh,E_in,1`. */
  "iskra-mt175": { section: "MT175", importField: "E_in", exportField: "E_out", unit: "kWh" },
  /** ISKRA MT631 (SML): `+1,3,s,0,9600,MT631`, `…@1000,Total Consumed,kWh,Total_in,2`. */
  "iskra-mt631": { section: "MT631", importField: "Total_in", exportField: "Total_out", unit: "kWh" },
  /** EasyMeter Q3A (SML): `+1,3,s,0,9600,SML`, `…@1000,Verbrauch_Summe,kWh,Verbrauch_Summe,7`. */
  "easymeter-q3a": {
    section: "SML",
    importField: "Verbrauch_Summe",
    exportField: "Einspeisung_Summe",
    unit: "kWh",
  },
} as const satisfies Record<string, TasmotaFieldMapping>;

export type TasmotaPresetName = keyof typeof TASMOTA_PRESETS;
