import { isAddress, isAddressEqual, recoverTypedDataAddress, type Hex } from "viem";
import { defineDecoder, fail, own, quote } from "./decoder.ts";
import { parseJsonObject } from "./json.ts";
import type { Eip712Settings } from "./settings.ts";

export const METER_READING_TYPES = {
  MeterReading: [
    { name: "meteringPointId", type: "string" },
    { name: "importWh", type: "uint64" },
    { name: "exportWh", type: "uint64" },
    { name: "timestamp", type: "uint64" },
  ],
} as const;

export const DEFAULT_EIP712_DOMAIN = { name: "Nachbarstrom", version: "1" } as const;

export type SignedMeterReading = { meteringPointId: string; importWh: bigint; exportWh: bigint; timestamp: bigint };

/** The EIP-712 typed data a meter signs (with viem: `account.signTypedData(meterReadingTypedData(…))`). */
export function meterReadingTypedData(
  message: SignedMeterReading,
  domain: Eip712Settings["domain"] = DEFAULT_EIP712_DOMAIN,
) {
  return { domain, types: METER_READING_TYPES, primaryType: "MeterReading" as const, message };
}

const FIELDS = ["meteringPointId", "importWh", "exportWh", "timestamp", "signature"];
const UINT64_MAX = 2n ** 64n - 1n;

/**
 * A reading signed by the meter's own secp256k1 key as EIP-712 typed data `MeterReading(string
 * meteringPointId,uint64 importWh,uint64 exportWh,uint64 timestamp)` (timestamp in unix seconds):
 * `{"meteringPointId":"…","importWh":"1234567","exportWh":"89012","timestamp":1782029700,"signature":"0x…"}`.
 * The signer recovered from the signature must be the address registered for the metering point.
 */
export const decodeEip712 = defineDecoder("signed reading (EIP-712)", async ({ payload, settings }) => {
  const eip712 = settings.eip712;
  if (!eip712) return fail("no EIP-712 settings are configured");
  const json = parseJsonObject(payload);
  if (!json.ok) return json;
  const body = json.value;
  const extra = Object.keys(body).find((key) => !FIELDS.includes(key));
  if (extra !== undefined) return fail(`unexpected field ${quote(extra)}`);
  const { meteringPointId, signature } = body;
  if (typeof meteringPointId !== "string" || !/^[A-Za-z0-9._-]{1,64}$/.test(meteringPointId)) {
    return fail(`meteringPointId ${quote(meteringPointId ?? null)} is not a metering point id`);
  }
  const numbers: bigint[] = [];
  for (const field of ["importWh", "exportWh", "timestamp"] as const) {
    const value = uint64(body[field]);
    if (typeof value === "string") return fail(`${field} ${value}`);
    numbers.push(value);
  }
  const [importWh, exportWh, timestamp] = numbers;
  if (typeof signature !== "string" || !/^0x[0-9a-fA-F]{130}$/.test(signature)) {
    return fail(`signature ${quote(signature ?? null)} is not 65 bytes of hex (0x + 130 digits)`);
  }
  const registered = own(eip712.signers, meteringPointId);
  if (registered === undefined)
    return fail(`unknown metering point "${meteringPointId}": no signer is registered for it`);
  if (!isAddress(registered, { strict: false }))
    return fail(`the signer registered for "${meteringPointId}" is not an address`);

  let signer: Hex;
  try {
    signer = await recoverTypedDataAddress({
      ...meterReadingTypedData(
        { meteringPointId, importWh, exportWh, timestamp },
        eip712.domain ?? DEFAULT_EIP712_DOMAIN,
      ),
      signature: signature as Hex,
    });
  } catch (error) {
    return fail(`signature is invalid: ${(error as Error).message.split("\n")[0]}`);
  }
  if (!isAddressEqual(signer, registered)) {
    return fail(`signature is by ${signer}, not by the signer registered for "${meteringPointId}" (${registered})`);
  }
  if (timestamp > 9_007_199_254_740n) return fail(`timestamp ${timestamp} is not a time`);
  return {
    ok: true,
    readings: [{ meteringPointId, importWh, exportWh, unixMs: Number(timestamp) * 1000, signed: true }],
  };
});

/** A uint64 from a JSON integer or a decimal string; a string result is the problem. */
function uint64(value: unknown): bigint | string {
  if (typeof value === "number") {
    if (!Number.isSafeInteger(value)) return `${value} is not a safe integer (send large values as a decimal string)`;
    if (value < 0) return `is negative (${value})`;
    return BigInt(value);
  }
  if (typeof value === "string") {
    if (/^-\d+$/.test(value)) return `is negative (${value})`;
    if (!/^\d{1,20}$/.test(value)) return `${quote(value)} is not a decimal integer`;
    const parsed = BigInt(value);
    return parsed > UINT64_MAX ? `${value} does not fit in uint64` : parsed;
  }
  return value === undefined ? "is missing" : `${quote(value)} is not an integer`;
}
