import type { Reading } from "@nachbarstrom/core";
import type { Hex } from "viem";
import type { IntervalBatch, MeterEnergyEntry } from "./aggregate.ts";
import { BridgeStoreError } from "./errors.ts";

/** An IntervalBatch as JSON text for the outbox: bigints become decimal strings. */
export function encodeBatch(batch: IntervalBatch): string {
  return JSON.stringify(batch, (_, value: unknown) => (typeof value === "bigint" ? value.toString() : value));
}

/** The inverse of encodeBatch; anything else is reported as a damaged outbox row. */
export function decodeBatch(text: string): IntervalBatch {
  try {
    const o = object(JSON.parse(text), "batch");
    const closedBy = string(o.closedBy, "closedBy");
    if (closedBy !== "complete" && closedBy !== "grace") throw new TypeError(`closedBy: unknown value ${closedBy}`);
    return {
      neighbourhood: string(o.neighbourhood, "neighbourhood"),
      neighbourhoodId: hex(o.neighbourhoodId, "neighbourhoodId"),
      interval: integer(o.interval, "interval"),
      commitment: hex(o.commitment, "commitment"),
      meters: array(o.meters, "meters").map((m, i) => meterEntry(m, `meters[${i}]`)),
      readings: array(o.readings, "readings").map((r, i) => reading(r, `readings[${i}]`)),
      closedBy,
      missing: array(o.missing, "missing").map((m, i) => string(m, `missing[${i}]`)),
    };
  } catch (cause) {
    throw new BridgeStoreError("An outbox entry cannot be read", {
      details: cause instanceof Error ? cause.message : String(cause),
      cause,
    });
  }
}

function meterEntry(value: unknown, field: string): MeterEnergyEntry {
  const o = object(value, field);
  return {
    meter: hex(o.meter, `${field}.meter`),
    importWh: integer(o.importWh, `${field}.importWh`),
    exportWh: integer(o.exportWh, `${field}.exportWh`),
  };
}

function reading(value: unknown, field: string): Reading {
  const o = object(value, field);
  const unixSeconds = o.unixSeconds;
  if (typeof unixSeconds !== "number" || !Number.isSafeInteger(unixSeconds)) {
    throw new TypeError(`${field}.unixSeconds: expected an integer, got ${String(unixSeconds)}`);
  }
  return {
    neighbourhood: string(o.neighbourhood, `${field}.neighbourhood`),
    meteringPointId: string(o.meteringPointId, `${field}.meteringPointId`),
    importWh: integer(o.importWh, `${field}.importWh`),
    exportWh: integer(o.exportWh, `${field}.exportWh`),
    unixSeconds,
  };
}

function object(value: unknown, field: string): Record<string, unknown> {
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    throw new TypeError(`${field}: expected an object`);
  }
  return value as Record<string, unknown>;
}

function array(value: unknown, field: string): unknown[] {
  if (!Array.isArray(value)) throw new TypeError(`${field}: expected an array`);
  return value;
}

function string(value: unknown, field: string): string {
  if (typeof value !== "string") throw new TypeError(`${field}: expected a string, got ${typeof value}`);
  return value;
}

function hex(value: unknown, field: string): Hex {
  const text = string(value, field);
  if (!/^0x[0-9a-fA-F]*$/.test(text)) throw new TypeError(`${field}: expected 0x and hex digits, got ${text}`);
  return text as Hex;
}

function integer(value: unknown, field: string): bigint {
  const text = string(value, field);
  if (!/^-?\d+$/.test(text)) throw new TypeError(`${field}: expected an integer, got ${text}`);
  return BigInt(text);
}
