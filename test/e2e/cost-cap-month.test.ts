/**
 * The bridge closes the cost cap's month by itself: on a real Hardhat node with the contracts deployed
 * by Ignition, the bridge's chain client settles the last intervals of a month and the first of the
 * next; with that one it credits every household of a capped neighbourhood what it paid above
 * grid-only supply, and it does not credit again with the next interval.
 */
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import {
  createPublicClient,
  createTestClient,
  createWalletClient,
  http,
  keccak256,
  toBytes,
  toHex,
  type Hex,
} from "viem";
import {
  DEMO_TARIFF,
  billingMonthOf,
  costCapAbi,
  creditTokenAbi,
  devAccount,
  firstIntervalOf,
  meterRegistryAbi,
  neighbourhoodId,
  nextBillingMonth,
  tariffScheduleAbi,
  type Deployment,
} from "@nachbarstrom/core";
import { createSettlementPort } from "../../meter-bridge/src/chain-client.ts";
import { startChain } from "../../scripts/stack/chain.ts";
import { deployContracts } from "../../scripts/stack/deploy.ts";
import { freePort } from "../../scripts/stack/processes.ts";

const root = fileURLToPath(new URL("../..", import.meta.url));
const HOOD = neighbourhoodId("cost-cap-month");
/** Pool energy dearer than the grid, so every buyer pays more than grid-only supply. */
const DEAR_POOL = { ...DEMO_TARIFF, gridEnergy: 150_000n, gridFee: 50_000n, communityPrice: 380_000n };
const owners = [3, 4, 5].map((i) => devAccount(i).address);
const meters = owners.map((_, i) => keccak256(toBytes(`cost-cap-month-meter-${i}`)));

describe("the bridge closes the cost cap's month", () => {
  let chain: Awaited<ReturnType<typeof startChain>>;
  let deployment: Deployment;
  let runtimeDir: string;
  let month: number;

  before(async () => {
    runtimeDir = mkdtempSync(join(tmpdir(), "nachbarstrom-cost-cap-"));
    chain = await startChain({ port: await freePort(), root, log: () => {} });
    const [admin, bridge, treasury] = [0, 1, 2].map((i) => devAccount(i).address);
    deployment = await deployContracts({
      rpcUrl: chain.rpcUrl,
      runtimeDir,
      roles: { admin, operator: admin, treasurer: admin, bridge, treasury },
    });
    const transport = http(chain.rpcUrl);
    const operator = createWalletClient({ account: devAccount(0), transport });
    const client = createPublicClient({ transport });
    const send = async (hash: Promise<Hex>) => client.waitForTransactionReceipt({ hash: await hash });
    const { meterRegistry, tariffSchedule, creditToken } = deployment.contracts;
    await send(
      operator.writeContract({
        chain: null,
        address: meterRegistry,
        abi: meterRegistryAbi,
        functionName: "registerNeighbourhood",
        args: [
          HOOD,
          { exists: true, allocationKey: 0, tariffNoticeIntervals: 0, contractNoticeIntervals: 0, costCap: true },
        ],
      }),
    );
    await send(
      operator.writeContract({
        chain: null,
        address: tariffSchedule,
        abi: tariffScheduleAbi,
        functionName: "setInitialTariff",
        args: [HOOD, DEAR_POOL, 0n],
      }),
    );
    for (const [i, meter] of meters.entries()) {
      await send(
        operator.writeContract({
          chain: null,
          address: meterRegistry,
          abi: meterRegistryAbi,
          functionName: "registerMeter",
          args: [meter, HOOD, owners[i]],
        }),
      );
    }
    await send(
      operator.writeContract({
        chain: null,
        address: creditToken,
        abi: creditTokenAbi,
        functionName: "topUp",
        args: [treasury, 1_000_000_000n],
      }),
    );
    // The chain's clock to four intervals before the next month begins.
    const now = BigInt(Math.floor(Number((await client.getBlock()).timestamp) / 900));
    month = nextBillingMonth(billingMonthOf(now));
    await createTestClient({ transport, mode: "hardhat" }).setNextBlockTimestamp({
      timestamp: (firstIntervalOf(month) - 4n) * 900n,
    });
    await createTestClient({ transport, mode: "hardhat" }).mine({ blocks: 1 });
  });

  after(async () => {
    await chain?.stop();
    if (runtimeDir) rmSync(runtimeDir, { recursive: true, force: true });
  });

  it("credits every household with the first interval of the next month, once", async () => {
    const transport = http(chain.rpcUrl);
    const client = createPublicClient({ transport });
    const testClient = createTestClient({ transport, mode: "hardhat" });
    const port = createSettlementPort({
      deployment,
      privateKey: toHex(devAccount(1).getHdKey().privateKey!),
      pollingIntervalMs: 50,
    });
    const previous = billingMonthOf(firstIntervalOf(month) - 1n);
    const credited = () =>
      Promise.all(
        [1, 2, 3].map((n) =>
          client.readContract({
            address: deployment.contracts.costCap,
            abi: costCapAbi,
            functionName: "monthAccountOf",
            args: [HOOD, previous, n],
          }),
        ),
      );
    const settle = async (interval: bigint) => {
      await testClient.setNextBlockTimestamp({ timestamp: (interval + 1n) * 900n + 1n });
      await testClient.mine({ blocks: 1 });
      const batch = {
        neighbourhood: "cost-cap-month",
        neighbourhoodId: HOOD,
        interval,
        commitment: keccak256(toBytes(`readings-${interval}`)),
        meters: meters.map((meter, i) => ({ meter, importWh: BigInt(400 + 100 * i), exportWh: i === 0 ? 1500n : 0n })),
        readings: [],
        closedBy: "complete" as const,
        missing: [],
      };
      const hash = await port.settle(batch);
      assert.equal((await port.waitForReceipt(hash)).status, "success");
      await port.afterSettled(batch);
    };

    for (let k = 3n; k >= 1n; k--) await settle(firstIntervalOf(month) - k);
    assert.deepEqual(
      (await credited()).map((a) => a.credited),
      [0n, 0n, 0n],
      "nothing before the month is over",
    );

    await settle(firstIntervalOf(month));
    const accounts = await credited();
    for (const [i, account] of accounts.entries()) {
      assert.ok(account.paid > account.gridOnly, `meter ${i + 1} paid more than grid-only`);
      assert.equal(account.credited, account.paid - account.gridOnly, `meter ${i + 1} credited the difference`);
    }

    await settle(firstIntervalOf(month) + 1n);
    assert.deepEqual(await credited(), accounts, "the next interval credits nothing again");
  });
});
