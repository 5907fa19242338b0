/**
 * Gas snapshot: settles one interval of 500 meters (a third prosumers, two power contracts) and fails
 * when the gas per meter-interval rises more than 1 % above test/contracts/gas-snapshot.json. After an
 * intended change, write the new figure into that file (the failure message prints it). The full table
 * against the ERC-20 baseline is `npm run bench:gas`.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, it } from "node:test";
import { CHUNK_GAS, chunkGas } from "@nachbarstrom/core";
import { benchNeighbourhood } from "./bench-neighbourhood.ts";

const METERS = 500;
const snapshot: { gasPerMeterInterval_500: number } = JSON.parse(
  readFileSync(new URL("gas-snapshot.json", import.meta.url), "utf8"),
);

describe("gas snapshot", async () => {
  const { planned, settle } = await benchNeighbourhood(METERS, 2);

  it(`settles ${METERS} meters within 1 % of the snapshot, and within the planner's estimate`, async () => {
    assert.equal(planned.chunks.length, 1);
    const [gasUsed] = await settle();
    const perMeter = Math.round(Number(gasUsed) / METERS);
    console.log(
      `      gas per meter-interval at ${METERS} meters: ${perMeter} (snapshot ${snapshot.gasPerMeterInterval_500})`,
    );
    assert.ok(
      perMeter <= snapshot.gasPerMeterInterval_500 * 1.01,
      `gas per meter-interval rose from ${snapshot.gasPerMeterInterval_500} to ${perMeter}; if intended, write ${perMeter} into test/contracts/gas-snapshot.json`,
    );
    assert.ok(gasUsed <= BigInt(chunkGas(METERS, 2, CHUNK_GAS)), "within the planner's estimate");
  });
});
