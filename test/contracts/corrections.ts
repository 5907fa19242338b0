/**
 * SettlementCorrections on the chain (EDR via viem): the operator corrects settled meter-intervals with
 * a reason; only the difference moves, exactly as packages/core's correctMeter computes it; the original
 * stays provable and the correction is on record; bad corrections are refused with the reason.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { network } from "hardhat";
import { keccak256, parseEventLogs, toBytes, type Hex } from "viem";
import {
  DEMO_TARIFF,
  correctMeter,
  decodeChunkResults,
  neighbourhoodId,
  planBatch,
  readSettlementInputs,
  type ChunkResult,
} from "@nachbarstrom/core";
import { random } from "./random.ts";
import { deploySystem } from "./system.ts";

const METERS = 8;

describe("SettlementCorrections", async () => {
  const { viem, networkHelpers } = await network.create();
  const [admin, bridge, treasury, stranger, ...households] = await viem.getWalletClients();
  const publicClient = await viem.getPublicClient();
  const a = (w: { account: { address: Hex } }) => w.account.address;
  const { registry, credit, tariffs, settlement, corrections, deployment } = await deploySystem(viem, {
    admin: a(admin),
    bridge: a(bridge),
    treasury: a(treasury),
  });
  const hood = neighbourhoodId("corrections");
  await registry.write.registerNeighbourhood([
    hood,
    { exists: true, allocationKey: 0, tariffNoticeIntervals: 0, contractNoticeIntervals: 0, costCap: false },
  ]);
  await tariffs.write.setInitialTariff([hood, DEMO_TARIFF, 0n]);
  const meterIds = households.slice(0, METERS).map((_, i) => keccak256(toBytes(`corrections-meter-${i}`)));
  for (const [i, meter] of meterIds.entries()) await registry.write.registerMeter([meter, hood, a(households[i])]);
  const ownerOf = (number: number) => a(households[number - 1]);

  /** Settles `interval` with random energy; returns each chunk's results as emitted. */
  async function settle(interval: bigint, seed: number): Promise<{ chunk: number; results: Hex }[]> {
    const rng = random(seed);
    const energy = meterIds.map((meter) => ({
      meter,
      importWh: rng.chance(0.3) ? 0n : BigInt(rng.int(3000)),
      exportWh: rng.chance(0.5) ? 0n : BigInt(rng.int(4000)),
    }));
    const inputs = await readSettlementInputs({
      client: publicClient,
      deployment,
      neighbourhoodId: hood,
      interval,
      meters: energy,
    });
    const small = { base: 0, perMeter: 1, perContract: 0, budget: 3 };
    const { header, chunks } = planBatch(inputs, {
      neighbourhoodId: hood,
      interval,
      commitment: keccak256(toBytes(`c-${interval}`)),
      gas: small,
    });
    const emitted = [];
    for (const [index, chunk] of chunks.entries()) {
      const hash = await settlement.write.settleChunk([hood, interval, header, index, chunk], {
        account: bridge.account,
      });
      const logs = (await publicClient.waitForTransactionReceipt({ hash })).logs;
      const [event] = parseEventLogs({ abi: settlement.abi, logs, eventName: "ChunkSettled" });
      emitted.push({ chunk: index, results: event.args.results });
    }
    return emitted;
  }

  const start = BigInt(Math.floor(Number(await networkHelpers.time.latest()) / 900)) + 1n;
  await networkHelpers.time.increaseTo(Number(start + 10n) * 900);
  const settled = new Map<bigint, { chunk: number; results: Hex }[]>();
  for (let k = 0n; k < 8n; k++) settled.set(start + k, await settle(start + k, Number(k) + 1));

  async function positions() {
    const state = new Map<Hex, bigint>([[a(treasury), await credit.read.treasuryPosition()]]);
    for (let n = 1; n <= METERS; n++) state.set(ownerOf(n), await credit.read.positionOf([ownerOf(n)]));
    return state;
  }

  it("corrects 200 random meter-intervals exactly as the reference does, moving only the difference", async () => {
    const rng = random(99);
    // What each meter-interval counts now: the original, until corrected.
    const current = new Map<string, { debit: bigint; credit: bigint }>();
    for (let k = 0; k < 200; k++) {
      const interval = start + BigInt(rng.int(8));
      const chunks = settled.get(interval)!;
      const { chunk, results } = chunks[rng.int(chunks.length)];
      const decoded = decodeChunkResults(results);
      const position = rng.int(decoded.length);
      const original = decoded[position];
      const importWh = original.contractBoughtWh + original.poolBoughtWh + BigInt(rng.int(5000));
      const exportWh = original.contractSoldWh + original.poolSoldWh + BigInt(rng.int(5000));
      const key = `${interval}-${original.number}`;
      const before = current.get(key) ?? { debit: original.debit, credit: original.credit };
      const expected = correctMeter({ original, tariff: DEMO_TARIFF, importWh, exportWh });
      const model = await positions();
      const change = expected.credit - expected.debit - (before.credit - before.debit);
      const hash = await corrections.write
        .correctMeter(
          [hood, interval, chunk, results, BigInt(position), Number(importWh), Number(exportWh), "replacement value"],
          { account: admin.account },
        )
        .catch((error: Error) => {
          if (/CorrectionUnchanged/.test(error.message)) return undefined;
          throw error;
        });
      if (!hash) continue;
      const logs = (await publicClient.waitForTransactionReceipt({ hash })).logs;
      const [event] = parseEventLogs({ abi: corrections.abi, logs, eventName: "MeterCorrected" });
      assert.deepEqual(
        [event.args.number, event.args.debit, event.args.credit, event.args.change, event.args.reason],
        [original.number, expected.debit, expected.credit, change, "replacement value"],
      );
      const record = await corrections.read.correctionOf([hood, interval, original.number]);
      assert.equal(record.importWh, Number(importWh));
      assert.equal(record.debit, expected.debit);
      model.set(ownerOf(original.number), model.get(ownerOf(original.number))! + change);
      model.set(a(treasury), model.get(a(treasury))! - change);
      assert.deepEqual(await positions(), model, `positions after correction ${k}`);
      current.set(key, expected);
    }
  });

  it("keeps the original provable: the chunk's results hash is unchanged", async () => {
    for (const [interval, chunks] of settled) {
      for (const { chunk, results } of chunks) {
        const [, resultsHash] = await settlement.read.chunkOf([hood, interval, chunk]);
        assert.equal(resultsHash, keccak256(results));
      }
    }
  });

  describe("refuses", () => {
    const interval = start;
    const chunk = 0;
    const first = () => settled.get(interval)![0];
    const original = (): ChunkResult => decodeChunkResults(first().results)[0];
    const call = (
      over: Partial<{
        interval: bigint;
        results: Hex;
        position: bigint;
        importWh: number;
        exportWh: number;
        reason: string;
      }>,
      account = admin.account,
    ) =>
      corrections.write.correctMeter(
        [
          hood,
          over.interval ?? interval,
          chunk,
          over.results ?? first().results,
          over.position ?? 0n,
          over.importWh ?? Number(original().importWh) + 100,
          over.exportWh ?? Number(original().exportWh),
          over.reason ?? "reason",
        ],
        { account },
      );

    it("an interval not settled", async () => {
      await assert.rejects(call({ interval: start + 50n }), /CorrectionIntervalNotSettled/);
    });
    it("results that are not the chunk's", async () => {
      await assert.rejects(call({ results: `${first().results}00` }), /CorrectionResultsMismatch/);
    });
    it("a position beyond the chunk", async () => {
      await assert.rejects(call({ position: 99n }), /CorrectionPositionInvalid/);
    });
    it("energy below what the meter traded locally", async () => {
      const candidates = [...settled].flatMap(([at, chunks]) =>
        chunks.flatMap(({ chunk: index, results }) =>
          decodeChunkResults(results).map((m, position) => ({ at, index, results, position, m })),
        ),
      );
      const traded = candidates.find(({ m }) => m.poolBoughtWh > 0n);
      assert.ok(traded, "some meter bought in the pool");
      await assert.rejects(
        corrections.write.correctMeter(
          [hood, traded.at, traded.index, traded.results, BigInt(traded.position), 0, Number(traded.m.exportWh), "r"],
          { account: admin.account },
        ),
        /CorrectionBelowLocalEnergy/,
      );
    });
    it("a correction that changes nothing", async () => {
      // The meter's figures as they count now: corrected above, or as settled.
      const m = original();
      const record = await corrections.read.correctionOf([hood, interval, m.number]);
      const [importWh, exportWh] =
        record.count > 0 ? [record.importWh, record.exportWh] : [Number(m.importWh), Number(m.exportWh)];
      await assert.rejects(call({ importWh, exportWh }), /CorrectionUnchanged/);
    });
    it("a correction without a reason", async () => {
      await assert.rejects(call({ reason: "" }), /CorrectionReasonMissing/);
    });
    it("anyone but the operator", async () => {
      await assert.rejects(call({}, stranger.account), /AccessControlUnauthorizedAccount/);
    });
  });
});
