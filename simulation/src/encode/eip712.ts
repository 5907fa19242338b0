import type { devAccount } from "@nachbarstrom/core";
import { meterReadingTypedData } from "../../../meter-bridge/src/formats/eip712.ts";
import type { EncodedMessage, MeterRegisters } from "./registers.ts";

/** Signs typed data as a viem account does; the meter's own secp256k1 key. */
export type MeterSigner = Pick<ReturnType<typeof devAccount>, "address" | "signTypedData">;

/**
 * A reading the meter signs with its own key as EIP-712 `MeterReading` (the bridge's
 * meterReadingTypedData, default domain), on `meters/eip712/<device>`:
 * `{"meteringPointId":"…","importWh":"…","exportWh":"…","timestamp":1782029700,"signature":"0x…"}`.
 * Registers are decimal strings, as the format asks for values that may pass 2^53.
 */
export async function encodeEip712(
  meter: { device: string; meteringPointId: string; signer: MeterSigner },
  { importWh, exportWh, unixSeconds }: MeterRegisters,
): Promise<EncodedMessage> {
  const message = { meteringPointId: meter.meteringPointId, importWh, exportWh, timestamp: BigInt(unixSeconds) };
  const signature = await meter.signer.signTypedData(meterReadingTypedData(message));
  const payload = JSON.stringify({
    meteringPointId: meter.meteringPointId,
    importWh: importWh.toString(),
    exportWh: exportWh.toString(),
    timestamp: unixSeconds,
    signature,
  });
  return { topic: `meters/eip712/${meter.device}`, payload };
}
