/**
 * Moving an installation to a new contract version (ADR 0009), end to end on EDR: the running version
 * deployed by Ignition with its 2-day timelock, a month of activity (settled intervals in two
 * neighbourhoods, one with the cost cap; top-ups, a pay-out and a debt; a power contract and an open
 * offer; a changed preference; a tariff change and a tariff announced for later; a correction), the new
 * version deployed by contracts/ignition/modules/Upgrade.ts and moved over with scripts/upgrade.ts —
 * interrupted halfway through the copy and resumed. Afterwards nothing is lost and nothing settles twice.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { network } from "hardhat";
import { encodeFunctionData, keccak256, parseEventLogs, toBytes, zeroHash, type Address, type Hex } from "viem";
import {
  DEMO_TARIFF,
  decodeChunkResults,
  neighbourhoodId,
  planBatch,
  readSettlementInputs,
  type Deployment,
} from "@nachbarstrom/core";
import NachbarstromModule from "../../contracts/ignition/modules/Nachbarstrom.ts";
import UpgradeModule from "../../contracts/ignition/modules/Upgrade.ts";
import {
  compareVersions,
  copy,
  execute,
  goLiveOperation,
  handOverOperation,
  migratableAbi,
  phasesOf,
  schedule,
  type Contracts,
} from "../../scripts/upgrade.ts";

const DELAY = 2n * 24n * 3600n;
/** 2030-06-03 00:00 UTC: a fixed month, so the cost cap's open months are known (June and July). */
const START = Date.UTC(2030, 5, 3) / 1000;
const DAY = 96n;

describe("upgrade to a new contract version", async () => {
  const { viem, ignition, networkHelpers } = await network.create();
  const [deployer, bridge, treasury, operator, multisig, treasurer, stranger, ...households] =
    await viem.getWalletClients();
  const publicClient = await viem.getPublicClient();
  const a = (w: { account: { address: Address } }) => w.account.address;
  const roles = { operator: a(operator), treasurer: a(treasurer), bridge: a(bridge), treasury: a(treasury) };
  await networkHelpers.time.increaseTo(START);

  const old = await ignition.deploy(NachbarstromModule, {
    parameters: { Nachbarstrom: { ...roles, admin: a(multisig), adminDelaySeconds: DELAY } },
  });
  const contractsOf = (v: typeof old): Contracts => ({
    meterRegistry: v.meterRegistry.address,
    creditToken: v.creditToken.address,
    tariffSchedule: v.tariffSchedule.address,
    powerContracts: v.powerContracts.address,
    neighbourhoodSettlement: v.neighbourhoodSettlement.address,
    settlementCorrections: v.settlementCorrections.address,
    costCap: v.costCap.address,
  });
  const deploymentOf = (contracts: Contracts): Deployment => ({
    chainId: 31337,
    rpcUrl: "http://127.0.0.1:8545",
    deployedAtBlock: 0,
    contracts,
  });
  const asOperator = { account: operator.account };
  const asTreasurer = { account: treasurer.account };

  // Two neighbourhoods of three households; SHARED settles by pro rata, CAPPED with the cost cap.
  const shared = neighbourhoodId("upgrade-shared");
  const capped = neighbourhoodId("upgrade-capped");
  const rules = { exists: true, allocationKey: 0, tariffNoticeIntervals: 4, contractNoticeIntervals: 0 };
  await old.meterRegistry.write.registerNeighbourhood([shared, { ...rules, costCap: false }], asOperator);
  await old.meterRegistry.write.registerNeighbourhood([capped, { ...rules, costCap: true }], asOperator);
  const meters = households.slice(0, 6).map((_, i) => keccak256(toBytes(`upgrade-meter-${i}`)));
  const hoodOf = (i: number) => (i < 3 ? shared : capped);
  for (const [i, meter] of meters.entries()) {
    await old.meterRegistry.write.registerMeter([meter, hoodOf(i), a(households[i])], asOperator);
    await old.creditToken.write.topUp([a(households[i]), 20_000_000n], asTreasurer);
  }
  await old.creditToken.write.topUp([a(treasury), 500_000_000n], asTreasurer);
  for (const hood of [shared, capped])
    await old.tariffSchedule.write.setInitialTariff([hood, DEMO_TARIFF, 0n], asOperator);

  const now = async () => BigInt(Math.floor(Number(await networkHelpers.time.latest()) / 900));
  const begin = await now();
  // A contract from meter 0 to meter 1 for the whole year, and an offer from meter 1 to meter 2 left open.
  await old.powerContracts.write.offer([meters[0], meters[1], 150_000, 400, begin + 2n, begin + 365n * DAY], {
    account: households[0].account,
  });
  await old.powerContracts.write.accept([1n], { account: households[1].account });
  await old.powerContracts.write.offer([meters[1], meters[2], 120_000, 100, begin + 2n, begin + 365n * DAY], {
    account: households[1].account,
  });
  await old.meterRegistry.write.setPreferences([meters[2], 600_000, 0], { account: households[2].account });
  // Household 3 has its credit paid out: its next import leaves it owing.
  await old.creditToken.write.payOut([a(households[3]), 20_000_000n], asTreasurer);
  // A dearer community price from day 10, and another one announced for next year.
  const dearer = { ...DEMO_TARIFF, communityPrice: DEMO_TARIFF.communityPrice + 20_000n };
  await old.tariffSchedule.write.announceTariff([shared, dearer, begin + 10n * DAY], asOperator);
  const later = { ...DEMO_TARIFF, gridFee: DEMO_TARIFF.gridFee + 5_000n };
  await old.tariffSchedule.write.announceTariff([shared, later, begin + 400n * DAY], asOperator);

  /** Settles `interval` of `hood` in `version` (each meter imports and exports its index-dependent
   *  energy); returns each chunk's results. */
  async function settle(version: typeof old, hood: Hex, interval: bigint) {
    const energy = meters
      .map((meter, i) => ({ meter, i }))
      .filter(({ i }) => hoodOf(i) === hood)
      .map(({ meter, i }) => ({
        meter,
        importWh: BigInt([100, 900, 700, 800, 600, 300][i]),
        exportWh: BigInt([1200, 0, 0, 0, 0, 400][i]),
      }));
    const inputs = await readSettlementInputs({
      client: publicClient,
      deployment: deploymentOf(contractsOf(version)),
      neighbourhoodId: hood,
      interval,
      meters: energy,
    });
    const { header, chunks } = planBatch(inputs, {
      neighbourhoodId: hood,
      interval,
      commitment: keccak256(toBytes(`upgrade-${interval}`)),
    });
    const emitted: Hex[] = [];
    for (const [index, chunk] of chunks.entries()) {
      const hash = await version.neighbourhoodSettlement.write.settleChunk([hood, interval, header, index, chunk], {
        account: bridge.account,
      });
      const { logs } = await publicClient.waitForTransactionReceipt({ hash });
      const [event] = parseEventLogs({ abi: version.neighbourhoodSettlement.abi, logs, eventName: "ChunkSettled" });
      emitted.push(event.args.results);
    }
    return emitted;
  }

  // A month: one interval settled every five days in both neighbourhoods.
  const settled: bigint[] = [];
  const results = new Map<bigint, Hex[]>();
  for (let day = 1n; day <= 29n; day += 5n) {
    const interval = begin + day * DAY;
    await networkHelpers.time.increaseTo(Number(interval + 1n) * 900);
    results.set(interval, await settle(old, shared, interval));
    await settle(old, capped, interval);
    settled.push(interval);
  }
  // Meter 2's import of the first interval read again; household 3 tops up part of its debt.
  const corrected = settled[0];
  await old.settlementCorrections.write.correctMeter(
    [shared, corrected, 0, results.get(corrected)![0], 2n, 1000, 0, "meter read again"],
    asOperator,
  );
  await old.creditToken.write.topUp([a(households[3]), 1_000n], asTreasurer);

  const next = await ignition.deploy(UpgradeModule, {
    parameters: { NachbarstromUpgrade: { ...roles, timelock: old.timelock.address } },
  });
  const from = contractsOf(old);
  const to = contractsOf(next);
  const handOver = handOverOperation(from, to);
  const goLive = goLiveOperation(from, to);
  const positionsBefore = await Promise.all(households.slice(0, 6).map((h) => old.creditToken.read.positionOf([a(h)])));

  it("lets no one but the timelock bind, and the timelock only after its delay", async () => {
    for (const caller of [deployer, multisig, operator]) {
      await assert.rejects(
        next.meterRegistry.write.importFrom([from.meterRegistry], { account: caller.account }),
        /AccessControlUnauthorizedAccount/,
      );
    }
    await assert.rejects(
      old.meterRegistry.write.retire({ account: multisig.account }),
      /AccessControlUnauthorizedAccount/,
    );
    await schedule(publicClient, multisig, old.timelock.address, handOver);
    await schedule(publicClient, multisig, old.timelock.address, goLive);
    await assert.rejects(
      execute(publicClient, multisig, old.timelock.address, handOver),
      /TimelockUnexpectedOperationState/,
    );
    assert.deepEqual(new Set(Object.values(await phasesOf(publicClient, from))), new Set(["live"]));
  });

  it("freezes the old version at the hand-over", async () => {
    await networkHelpers.time.increase(Number(DELAY));
    await execute(publicClient, multisig, old.timelock.address, handOver);
    assert.deepEqual(new Set(Object.values(await phasesOf(publicClient, from))), new Set(["retired"]));
    assert.deepEqual(new Set(Object.values(await phasesOf(publicClient, to))), new Set(["importing"]));
    await assert.rejects(old.creditToken.write.topUp([a(households[0]), 1n], asTreasurer), /EnforcedPause/);
    await assert.rejects(
      old.meterRegistry.write.setPreferences([meters[0], 1, 1], { account: households[0].account }),
      /MigrationNotCurrent/,
    );
    const interval = (await now()) - 1n;
    await assert.rejects(settle(old, shared, interval), /MigrationNotCurrent/);
  });

  it("copies in as many transactions as it takes, resumes after an interruption, and goes live only complete", async () => {
    const first = await copy(publicClient, stranger, to, { batch: 2n, maxTransactions: 4 });
    assert.equal(first, 4);
    assert.equal(await next.meterRegistry.read.importComplete(), false);
    await assert.rejects(execute(publicClient, multisig, old.timelock.address, goLive), /MigrationIncomplete/);
    const rest = await copy(publicClient, stranger, to, { batch: 2n });
    assert.ok(rest > 0);
    assert.equal(await copy(publicClient, stranger, to), 0, "nothing left to copy");
    await execute(publicClient, multisig, old.timelock.address, goLive);
    assert.deepEqual(new Set(Object.values(await phasesOf(publicClient, to))), new Set(["live"]));
    assert.deepEqual(await compareVersions(publicClient, from, to), []);
  });

  it("runs once per target: neither the hand-over nor another binding can be repeated", async () => {
    await assert.rejects(
      execute(publicClient, multisig, old.timelock.address, handOver),
      /TimelockUnexpectedOperationState/,
    );
    const again = {
      targets: [to.meterRegistry],
      values: [0n],
      payloads: [encodeFunctionData({ abi: migratableAbi, functionName: "importFrom", args: [from.meterRegistry] })],
      predecessor: zeroHash,
      salt: keccak256(toBytes("again")),
    };
    await schedule(publicClient, multisig, old.timelock.address, again);
    await networkHelpers.time.increase(Number(DELAY));
    await assert.rejects(execute(publicClient, multisig, old.timelock.address, again), /MigrationWrongPhase/);
  });

  it("keeps every balance and debt, the treasury's position and the credit issued", async () => {
    let sum = await next.creditToken.read.treasuryPosition();
    for (const [i, h] of households.slice(0, 6).entries()) {
      const position = await next.creditToken.read.positionOf([a(h)]);
      assert.equal(position, positionsBefore[i], `household ${i}`);
      sum += position;
    }
    assert.ok(positionsBefore[3] < 0n, "household 3 owes");
    assert.equal(await next.creditToken.read.debtOf([a(households[3])]), -positionsBefore[3]);
    assert.equal(await next.creditToken.read.treasuryPosition(), await old.creditToken.read.treasuryPosition());
    assert.equal(await next.creditToken.read.issued(), await old.creditToken.read.issued());
    assert.equal(sum, await next.creditToken.read.issued(), "Σ positions = issued");
  });

  it("keeps the tariff history: past intervals priced as before, the announced tariff kept", async () => {
    for (const interval of [...settled, begin + 400n * DAY]) {
      assert.deepEqual(
        await next.tariffSchedule.read.tariffAt([shared, interval]),
        await old.tariffSchedule.read.tariffAt([shared, interval]),
      );
    }
    const history = await next.tariffSchedule.read.tariffHistory([shared]);
    assert.deepEqual(
      history.map((t) => t.effectiveFrom),
      [0n, begin + 10n * DAY, begin + 400n * DAY],
    );
  });

  it("never settles an interval twice, and answers for the old version's intervals", async () => {
    for (const interval of settled) {
      assert.equal(await next.neighbourhoodSettlement.read.isSettled([shared, interval]), true);
      assert.deepEqual(
        await next.neighbourhoodSettlement.read.chunkOf([shared, interval, 0]),
        await old.neighbourhoodSettlement.read.chunkOf([shared, interval, 0]),
      );
    }
    await assert.rejects(settle(next, shared, settled[2]), /SettlementIntervalInPreviousVersion/);
  });

  it("corrects an interval of the old version, continuing from its correction", async () => {
    const owner = a(households[2]);
    const before = await next.creditToken.read.positionOf([owner]);
    await next.settlementCorrections.write.correctMeter(
      [shared, corrected, 0, results.get(corrected)![0], 2n, 1100, 0, "read a third time"],
      asOperator,
    );
    const correction = await next.settlementCorrections.read.correctionOf([shared, corrected, 3]);
    assert.equal(correction.count, 2);
    const first = await old.settlementCorrections.read.correctionOf([shared, corrected, 3]);
    assert.equal(first.count, 1, "the old record stays");
    const change = (await next.creditToken.read.positionOf([owner])) - before;
    assert.equal(change, BigInt(first.debit) - BigInt(correction.debit), "only the further 100 Wh");
    assert.ok(change < 0n);
  });

  it("keeps the cost cap's open month and the power contracts, which serve the next interval", async () => {
    const month = await next.costCap.read.monthOf([settled[0]]);
    for (let n = 4; n <= 6; n++) {
      const account = await next.costCap.read.monthAccountOf([capped, month, n]);
      assert.deepEqual(account, await old.costCap.read.monthAccountOf([capped, month, n]));
      assert.ok(account.paid > 0n);
    }
    const interval = (await now()) - 1n;
    const [chunk] = await settle(next, shared, interval);
    const delivered = decodeChunkResults(chunk).find((r) => r.number === 1)!;
    assert.equal(delivered.contractSoldWh, 400n, "the contract from meter 1 served at its cap");
    await next.powerContracts.write.accept([2n], { account: households[2].account });
  });
});
