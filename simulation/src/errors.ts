import { NachbarstromError } from "@nachbarstrom/core";

/** A simulation parameter is out of range; the message names the parameter and the value. */
export class SimulationParameterError extends NachbarstromError {
  override name = "SimulationParameterError";

  constructor(parameter: string, expected: string, value: unknown) {
    super(`${parameter}: ${expected} (got ${describe(value)})`);
  }
}

/** The live feed could not reach or talk to its MQTT broker. */
export class SimulationBrokerError extends NachbarstromError {
  override name = "SimulationBrokerError";
}

function describe(value: unknown): string {
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? "an invalid date" : value.toISOString();
  if (typeof value === "bigint") return `${value}n`;
  return JSON.stringify(value) ?? String(value);
}
