/**
 * The production code paths on a second EVM implementation: Foundry's anvil instead of Hardhat's EDR,
 * set up like the Besu network (test/compat/anvil-node.ts: cancun, no gas price, no ether anywhere). The
 * contracts are deployed with scripts/deploy-network.ts, the demo neighbourhood is onboarded, an interval
 * is settled by the bridge's own settlement port (readSettlementInputs, planBatch, one transaction per
 * chunk), then a meter is corrected and a household tops up. Every event and balance must equal the
 * TypeScript reference. Whatever relied on Hardhat-only behaviour (its RPC methods, its fee handling,
 * funded accounts, an EVM fork other than the compiled one) fails here.
 */
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import {
  createPublicClient,
  createWalletClient,
  http,
  keccak256,
  parseEventLogs,
  toBytes,
  type Address,
  type Hex,
  type PublicClient,
} from "viem";
import {
  DEMO_NEIGHBOURHOOD,
  DEV_ACCOUNT_INDEX,
  correctMeter,
  creditTokenAbi,
  decodeChunkResults,
  devAccount,
  euros,
  intervalOf,
  neighbourhoodSettlementAbi,
  planBatch,
  readDeployment,
  readSettlementInputs,
  settlementCorrectionsAbi,
  type ChunkResult,
  type Deployment,
  type MeterDirectory,
} from "@nachbarstrom/core";
import { createSettlementPort } from "../../meter-bridge/src/chain-client.ts";
import { GAS_LIMIT } from "../../deploy/besu/generate-genesis.ts";
import { deployNetwork } from "../../scripts/deploy-network.ts";
import { onboardDemo } from "../../scripts/stack/onboard-demo.ts";
import { demoRoles, devPrivateKey } from "../../scripts/stack/stack.ts";
import { startAnvil, type AnvilNode } from "./anvil-node.ts";
import { compiledEvmVersion } from "./evm-version.ts";

const ignitionDeployments = fileURLToPath(new URL("../../contracts/ignition/deployments", import.meta.url));
const operator = devAccount(DEV_ACCOUNT_INDEX.admin);

/** Each household's energy in the interval: everyone draws, the PV households feed in. */
const energyOf = (index: number) => ({
  importWh: BigInt(150 + 37 * index),
  exportWh: DEMO_NEIGHBOURHOOD.households[index].pvKwp > 0 ? BigInt(420 + 55 * index) : 0n,
});

describe("the production code paths on anvil", { timeout: 300_000 }, () => {
  let node: AnvilNode;
  let dir: string;
  let deploymentId: string;
  let deployment: Deployment;
  let directory: MeterDirectory;
  let client: PublicClient;

  const positionOf = (account: Address) =>
    client.readContract({
      address: deployment.contracts.creditToken,
      abi: creditTokenAbi,
      functionName: "positionOf",
      args: [account],
    });
  const treasuryPosition = () =>
    client.readContract({
      address: deployment.contracts.creditToken,
      abi: creditTokenAbi,
      functionName: "treasuryPosition",
    });
  const operatorWallet = () => createWalletClient({ account: operator, transport: http(node.rpcUrl) });

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), "nachbarstrom-compat-"));
    node = await startAnvil({ hardfork: compiledEvmVersion(), gasLimit: GAS_LIMIT });
    deploymentId = `compat-anvil-${node.port}`;
    client = createPublicClient({ transport: http(node.rpcUrl) });
  });

  after(async () => {
    await node?.stop();
    rmSync(join(ignitionDeployments, deploymentId), { recursive: true, force: true });
    rmSync(dir, { recursive: true, force: true });
  });

  it("runs like the free-gas network: base fee 0, no ether in the deployer's account", async () => {
    const block = await client.getBlock();
    assert.equal(block.baseFeePerGas, 0n);
    assert.equal(await client.getBalance({ address: operator.address }), 0n);
  });

  it("refuses to deploy to a node whose chain id is not the one configured", async () => {
    await assert.rejects(
      deployNetwork({
        rpcUrl: node.rpcUrl,
        chainId: 52066,
        deployerKey: devPrivateKey(DEV_ACCOUNT_INDEX.admin),
        roles: demoRoles(),
        adminDelaySeconds: 172_800n,
        deploymentFile: join(dir, "refused.json"),
        deploymentId,
      }),
      /is chain 31337, not 52066/,
    );
  });

  it("deploys with scripts/deploy-network.ts and writes the deployment file bridge and portal read", async () => {
    const deploymentFile = join(dir, "deployment.json");
    deployment = await deployNetwork({
      rpcUrl: node.rpcUrl,
      chainId: 31337,
      deployerKey: devPrivateKey(DEV_ACCOUNT_INDEX.admin),
      roles: demoRoles(),
      adminDelaySeconds: 172_800n,
      deploymentFile,
      deploymentId,
    });
    assert.deepEqual(readDeployment(deploymentFile), deployment);
    assert.equal(JSON.parse(readFileSync(deploymentFile, "utf8")).chainId, 31337);
    for (const address of Object.values(deployment.contracts)) {
      assert.ok((await client.getCode({ address }))?.length, `code at ${address}`);
    }
    const bridge = createSettlementPort({ deployment, privateKey: devPrivateKey(DEV_ACCOUNT_INDEX.bridge) });
    assert.deepEqual(await bridge.health(), {
      chainId: 31337,
      account: devAccount(DEV_ACCOUNT_INDEX.bridge).address,
      hasBridgeRole: true,
    });
  });

  it("onboards the demo neighbourhood: 12 meters, 50 euros each", async () => {
    // anvil suggests a tip of 1 gwei (eth_maxPriorityFeePerGas) whatever its flags, and viem pays it;
    // Besu with min-priority-fee=0 suggests 0. So the accounts that send with viem get ether here.
    for (const index of [DEV_ACCOUNT_INDEX.admin, DEV_ACCOUNT_INDEX.bridge]) {
      await client.request({
        method: "anvil_setBalance" as never,
        params: [devAccount(index).address, "0xde0b6b3a7640000"] as never,
      });
    }
    directory = await onboardDemo({ deployment, runtimeDir: dir });
    const [neighbourhood] = directory.neighbourhoods;
    assert.equal(neighbourhood.meters.length, DEMO_NEIGHBOURHOOD.households.length);
    for (const meter of neighbourhood.meters) assert.equal(await positionOf(meter.owner), euros("50"));
  });

  /** What the settlement emitted, for the correction below. */
  let settled: { interval: bigint; chunks: { chunk: number; results: Hex }[]; ownerOf: (number: number) => Address };

  it("settles an interval through the bridge's port exactly as the reference settlement", async () => {
    const [neighbourhood] = directory.neighbourhoods;
    const { timestamp } = await client.getBlock();
    // The last interval that has closed on the chain's clock.
    const interval = intervalOf(Number(timestamp)) - 1n;
    const meters = neighbourhood.meters
      .map((m, i) => ({ meter: m.meterId, ...energyOf(i) }))
      .sort((a, b) => (BigInt(a.meter) < BigInt(b.meter) ? -1 : 1));
    const commitment = keccak256(toBytes(`compat-${interval}`));
    const inputs = await readSettlementInputs({
      client,
      deployment,
      neighbourhoodId: neighbourhood.id,
      interval,
      meters,
    });
    const expected = planBatch(inputs, { neighbourhoodId: neighbourhood.id, interval, commitment });
    const owners = new Map(neighbourhood.meters.map((m) => [m.meterId, m.owner]));
    const ownerOf = (number: number) => owners.get(inputs.idOf.get(number) as Hex) as Address;
    const before = new Map(
      await Promise.all(neighbourhood.meters.map(async (m) => [m.owner, await positionOf(m.owner)] as const)),
    );
    const treasuryBefore = await treasuryPosition();

    const bridge = createSettlementPort({
      deployment,
      privateKey: devPrivateKey(DEV_ACCOUNT_INDEX.bridge),
      pollingIntervalMs: 50,
    });
    const hash = await bridge.settle({
      neighbourhood: neighbourhood.slug,
      neighbourhoodId: neighbourhood.id,
      interval,
      commitment,
      meters,
      readings: [],
      closedBy: "complete",
      missing: [],
    });
    assert.equal((await bridge.waitForReceipt(hash)).status, "success");

    const logs = await client.getContractEvents({
      address: deployment.contracts.neighbourhoodSettlement,
      abi: neighbourhoodSettlementAbi,
      fromBlock: BigInt(deployment.deployedAtBlock),
      args: { interval },
    });
    const chunks = logs
      .filter((log) => log.eventName === "ChunkSettled")
      .map((log) => log.args as { chunk: number; results: Hex });
    assert.deepEqual(
      chunks.map((c) => decodeChunkResults(c.results)),
      expected.expected.chunks,
      "every meter's result equals the reference settlement",
    );
    const [intervalSettled] = logs.filter((log) => log.eventName === "IntervalSettled");
    assert.ok(intervalSettled, "IntervalSettled emitted");
    assert.deepEqual(
      (({ commitment, batchKey, meterCount, importWh, exportWh, localWh }) => ({
        commitment,
        batchKey,
        meterCount,
        importWh,
        exportWh,
        localWh,
      }))(intervalSettled.args as Record<string, unknown>),
      {
        commitment,
        batchKey: expected.header.batchKey,
        meterCount: meters.length,
        importWh: expected.expected.importWh,
        exportWh: expected.expected.exportWh,
        localWh: expected.expected.localWh,
      },
    );
    assert.ok(expected.expected.localWh > 0n, "the interval traded energy locally");

    let moved = 0n;
    for (const result of expected.expected.meters) {
      const owner = ownerOf(result.number);
      const change = result.credit - result.debit;
      moved += change;
      assert.equal(
        await positionOf(owner),
        (before.get(owner) as bigint) + change,
        `position of meter ${result.number}`,
      );
    }
    assert.equal(await treasuryPosition(), treasuryBefore - moved, "the treasury took the other side");
    settled = { interval, chunks, ownerOf };
  });

  it("corrects a settled meter exactly as the reference correction", async () => {
    const { interval, chunks } = settled;
    const [neighbourhood] = directory.neighbourhoods;
    const { chunk, results } = chunks[0];
    const position = 0;
    const original: ChunkResult = decodeChunkResults(results)[position];
    const importWh = original.importWh + 250n;
    const exportWh = original.exportWh;
    const reference = correctMeter({ original, tariff: DEMO_NEIGHBOURHOOD.tariff, importWh, exportWh });
    const owner = settled.ownerOf(original.number);
    const [ownerBefore, treasuryBefore] = [await positionOf(owner), await treasuryPosition()];
    const hash = await operatorWallet().writeContract({
      chain: null,
      address: deployment.contracts.settlementCorrections,
      abi: settlementCorrectionsAbi,
      functionName: "correctMeter",
      args: [
        neighbourhood.id,
        interval,
        chunk,
        results,
        BigInt(position),
        Number(importWh),
        Number(exportWh),
        "replacement value",
      ],
    });
    const receipt = await client.waitForTransactionReceipt({ hash });
    assert.equal(receipt.status, "success");
    const [event] = parseEventLogs({ abi: settlementCorrectionsAbi, logs: receipt.logs, eventName: "MeterCorrected" });
    assert.deepEqual(
      [event.args.number, event.args.importWh, event.args.debit, event.args.credit, event.args.change],
      [
        original.number,
        Number(importWh),
        reference.debit,
        reference.credit,
        reference.credit - reference.debit - (original.credit - original.debit),
      ],
    );
    const change = event.args.change;
    assert.equal(await positionOf(owner), ownerBefore + change, "only the difference reached the owner");
    assert.equal(await treasuryPosition(), treasuryBefore - change, "and came from the treasury");
  });

  it("tops up a household's credit by the treasurer", async () => {
    const household = directory.neighbourhoods[0].meters[3].owner;
    const before = await positionOf(household);
    const hash = await operatorWallet().writeContract({
      chain: null,
      address: deployment.contracts.creditToken,
      abi: creditTokenAbi,
      functionName: "topUp",
      args: [household, euros("20")],
    });
    const receipt = await client.waitForTransactionReceipt({ hash });
    const [event] = parseEventLogs({ abi: creditTokenAbi, logs: receipt.logs, eventName: "ToppedUp" });
    assert.deepEqual([event.args.account, event.args.amount], [household, euros("20")]);
    assert.equal(await positionOf(household), before + euros("20"));
  });
});
