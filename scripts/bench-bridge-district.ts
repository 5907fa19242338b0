/**
 * The meters of `npm run bench:bridge`, all played by the simulator, so the benchmark loads the bridge
 * with what the live feed sends: households drawn by the generator of
 * simulation/scenarios/district-1000.json with only their number changed (as `npm run bench:sim` does;
 * a third with PV, 40 % of those with a battery, a fifth with a heat pump, 15 % with a car), their
 * registers from the simulator's reading generator (readingBatches), each message written by the
 * simulator's encoder for the meter's format (meterEncoders), and the shipped flow bound to those
 * devices (withSimulatedMeters).
 *
 * The households are split into neighbourhoods of a fixed size, as the benchmark's meter directory has
 * always been (100 neighbourhoods of 100), rather than one neighbourhood of 10,000: a utility runs many
 * neighbourhoods, and the figures stay comparable with earlier runs. The simulator derives a meter's
 * identity from its position in its neighbourhood, so meter i of every neighbourhood signs EIP-712
 * readings with the same development key (1000 + i): checking a signature costs the same whichever key
 * made it.
 */
import { readFileSync } from "node:fs";
import { neighbourhoodId, type MeterDirectory } from "@nachbarstrom/core";
import { keccak256, toBytes } from "viem";
import { readFlowFile, SHIPPED_FLOW_FILE, type FlowNode } from "../meter-bridge/src/bridge-flow.ts";
import { readingBatches, type SimulatedNeighbourhood } from "../simulation/src/day.ts";
import { meterEncoders, withSimulatedMeters, type FeedFormats } from "../simulation/src/live-formats.ts";
import { parseScenario } from "../simulation/src/scenario.ts";

const DISTRICT_FILE = new URL("../simulation/scenarios/district-1000.json", import.meta.url);

/** One household's registers at one instant, as the encoders take them. */
type Registers = { importWh: bigint; exportWh: bigint; unixSeconds: number };

/** One message ready to publish, and the key under which the bridge stores its reading. */
export type BenchMessage = { topic: string; payload: string | Buffer; key: string };

export type SimulatedDistrict = {
  neighbourhoods: SimulatedNeighbourhood[];
  /** Seed of the weather and appliance draws: the scenario's. */
  seed: number;
};

/** `meters` households of the district's generator, in neighbourhoods `bench-000`, `bench-001`, … of `perNeighbourhood`. */
export function simulatedDistrict(meters: number, perNeighbourhood: number): SimulatedDistrict {
  const json = JSON.parse(readFileSync(DISTRICT_FILE, "utf8"));
  const scenario = parseScenario({ ...json, generator: { ...json.generator, households: meters } });
  const neighbourhoods: SimulatedNeighbourhood[] = [];
  for (let first = 0; first < scenario.households.length; first += perNeighbourhood) {
    neighbourhoods.push({
      slug: `bench-${String(neighbourhoods.length).padStart(3, "0")}`,
      households: scenario.households.slice(first, first + perNeighbourhood),
      site: scenario.site,
    });
  }
  return { neighbourhoods, seed: scenario.seed };
}

/**
 * `rounds` readings of every household, `stepSeconds` apart from `startAt`, from the simulator's own
 * generator: result[round][neighbourhood][household].
 */
export function simulatedRegisters(
  { neighbourhoods, seed }: SimulatedDistrict,
  startAt: Date,
  rounds: number,
  stepSeconds: number,
): Registers[][][] {
  const byNeighbourhood = neighbourhoods.map((neighbourhood) => {
    const batches = readingBatches({ neighbourhood, startAt, stepSeconds, seed });
    return Array.from({ length: rounds }, () =>
      batches.next().value.readings.map(({ payload }) => ({
        importWh: BigInt(payload.importWh),
        exportWh: BigInt(payload.exportWh),
        unixSeconds: Date.parse(payload.timestamp) / 1000,
      })),
    );
  });
  return Array.from({ length: rounds }, (_, round) => byNeighbourhood.map((readings) => readings[round]));
}

/**
 * Every reading written as its meter would send it in `formats` (live-formats.ts; at accelerated time,
 * so the mix is plain JSON, Tasmota, DSMR, LoRaWAN and EIP-712), round by round in household order.
 */
export async function encodedRounds(
  { neighbourhoods }: SimulatedDistrict,
  registers: Registers[][][],
  formats: FeedFormats,
): Promise<BenchMessage[][]> {
  const encoders = neighbourhoods.map((neighbourhood) => meterEncoders(neighbourhood, formats, false));
  const rounds: BenchMessage[][] = [];
  for (const round of registers) {
    const messages: BenchMessage[] = [];
    for (const [n, neighbourhood] of neighbourhoods.entries()) {
      for (const [i, household] of neighbourhood.households.entries()) {
        const reading = round[n][i];
        const { topic, payload } = await encoders[n][i](reading);
        messages.push({
          topic,
          payload: typeof payload === "string" ? payload : Buffer.from(payload),
          key: `${household.meteringPointId}@${reading.unixSeconds}`,
        });
      }
    }
    rounds.push(messages);
  }
  return rounds;
}

/** The shipped flow with every neighbourhood's devices bound to their metering points. */
export function boundFlow({ neighbourhoods }: SimulatedDistrict): FlowNode[] {
  return neighbourhoods.reduce(
    (flow, neighbourhood) => withSimulatedMeters(flow, neighbourhood),
    readFlowFile(SHIPPED_FLOW_FILE),
  );
}

/** The bridge's meter directory of the district; owners are placeholder addresses (nothing reaches a chain). */
export function meterDirectory({ neighbourhoods }: SimulatedDistrict): MeterDirectory {
  let index = 0;
  return {
    neighbourhoods: neighbourhoods.map(({ slug, households }) => ({
      slug,
      id: neighbourhoodId(slug),
      meters: households.map(({ meteringPointId }) => ({
        meteringPointId,
        meterId: keccak256(toBytes(meteringPointId)),
        owner: `0x${(0x30000 + index++).toString(16).padStart(40, "0")}` as const,
      })),
    })),
  };
}
