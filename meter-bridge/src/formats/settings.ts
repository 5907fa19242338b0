import type { Address } from "viem";
import type { TasmotaPresetName } from "./tasmota-presets.ts";

/**
 * What the formats need from the per-device configuration, one section per format. A format whose
 * section is missing rejects every message with a reason that says so. Keys are matched exactly
 * (after the normalisation each section names), and only own properties count.
 */
export type FormatSettings = {
  tasmota?: TasmotaSettings;
  dsmr?: DsmrSettings;
  sml?: SmlSettings;
  d0?: D0Settings;
  lorawan?: LorawanSettings;
  eip712?: Eip712Settings;
  ocmf?: OcmfSettings;
};

/** Which metering point a device or meter reports for. */
export type MeterBinding = {
  meteringPointId: string;
  /** The meter has no export register (2.8.0): its export is 0 Wh. Without this, a missing 2.8.0 is rejected. */
  importOnly?: boolean;
};

export type EnergyUnit = "Wh" | "kWh";

/** How one meter's values appear in a Tasmota SENSOR message: `{"<section>":{"<importField>":…}}`. */
export type TasmotaFieldMapping = {
  /** The script's JSON prefix (`+1,3,s,0,9600,<section>`), e.g. "SML", "MT175". */
  section: string;
  /** The JSON name of the 1.8.0 value (last but one column of the script line), e.g. "Total_in". */
  importField: string;
  /** The JSON name of the 2.8.0 value; not needed with importOnly. */
  exportField?: string;
  /** The unit the script prints the registers in (its `@1000` divisor makes kWh). */
  unit: EnergyUnit;
};

export type TasmotaMeter = MeterBinding & {
  /** A preset for a common meter (see tasmota-presets.ts); the fields below override its values. */
  preset?: TasmotaPresetName;
} & Partial<TasmotaFieldMapping>;

export type TasmotaSettings = {
  /** IANA time zone of the Tasmota devices' clocks ("Time" carries no offset); default Europe/Berlin. */
  timeZone?: string;
  /** Device topic (`tele/<device>/SENSOR`) → the meter(s) its script reads. */
  devices: Record<string, TasmotaMeter | TasmotaMeter[]>;
};

export type DsmrSettings = {
  /** Equipment identifier 0-0:96.1.1, as sent (hex) or decoded (e.g. "E0026000024496620") → metering point. */
  meters: Record<string, MeterBinding>;
};

export type SmlSettings = {
  /** Server id of the meter in hex, lower case without separators (e.g. "0a0149534b00047a5544") → metering point. */
  meters: Record<string, MeterBinding>;
};

export type D0Settings = {
  /** Meter identification (the value of 0.0.0, 96.1.0, 96.1.255 or C.1.0) → metering point. */
  meters: Record<string, MeterBinding>;
};

/** Where the registers are in the payload formatter's `decoded_payload`. */
export type LorawanFields = {
  /** Name (or dotted path) of the 1.8.0 value, e.g. "importWh" or "energy.in_kwh". */
  import: string;
  /** Name (or dotted path) of the 2.8.0 value; not needed with importOnly. */
  export?: string;
  unit: EnergyUnit;
};

export type LorawanDevice = MeterBinding & {
  /** Overrides the application-wide field mapping for this device. */
  fields?: LorawanFields;
};

export type LorawanSettings = {
  /** DevEUI (16 hex digits, any case) → metering point. */
  devices: Record<string, LorawanDevice>;
  /** Default { import: "importWh", export: "exportWh", unit: "Wh" }. */
  fields?: LorawanFields;
};

export type Eip712Settings = {
  /** Metering point id → the address of the key registered with its meter. */
  signers: Record<string, Address>;
  /** Default { name: "Nachbarstrom", version: "1" }; a chainId binds signatures to one deployment. */
  domain?: { name: string; version: string; chainId?: number };
};

export type OcmfMeter = MeterBinding & {
  /** The meter's ECDSA secp256r1 public key: PEM, or DER SubjectPublicKeyInfo in hex. */
  publicKey: string;
};

export type OcmfSettings = {
  /** Meter serial (the payload's "MS") → metering point and key. */
  meters: Record<string, OcmfMeter>;
};
