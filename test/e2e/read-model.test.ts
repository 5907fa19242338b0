/**
 * The portal's read model against a real chain: a Hardhat node with the contracts deployed by Ignition
 * and the demo neighbourhood onboarded; the bridge's chain client settles intervals, the operator
 * corrects one meter. The indexer's tables must match the chain's state (registry, interval records,
 * positions), and after a stop and more settlements it must resume from its last block and match again.
 */
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { createPublicClient, createWalletClient, http, keccak256, toBytes, toHex, type Address, type Hex } from "viem";
import {
  DEV_ACCOUNT_INDEX,
  creditTokenAbi,
  decodeChunkResults,
  devAccount,
  intervalOf,
  meterRegistryAbi,
  neighbourhoodSettlementAbi,
  settlementCorrectionsAbi,
  type Deployment,
  type MeterDirectory,
} from "@nachbarstrom/core";
import { createSettlementPort, type ChainSettlementPort } from "../../meter-bridge/src/chain-client.ts";
import { startChain } from "../../scripts/stack/chain.ts";
import { deployContracts } from "../../scripts/stack/deploy.ts";
import { onboardDemo } from "../../scripts/stack/onboard-demo.ts";
import { freePort } from "../../scripts/stack/processes.ts";
import { demoRoles } from "../../scripts/stack/stack.ts";
import { createIndexer, indexerClient } from "../../web/src/lib/server/read-model/indexer.ts";
import { derivedPosition, householdRows, settledIntervals } from "../../web/src/lib/server/read-model/queries.ts";
import { sql } from "@nachbarstrom/core/database";
import { allRows, openReadModelStore } from "../../web/src/lib/server/read-model/store.ts";

const root = fileURLToPath(new URL("../..", import.meta.url));
/** Small ranges, so a few dozen blocks take several transactions. */
const RANGE_BLOCKS = 7n;

describe("the read model follows the chain and resumes after a restart", () => {
  let chain: Awaited<ReturnType<typeof startChain>>;
  let deployment: Deployment;
  let directory: MeterDirectory;
  let runtimeDir: string;
  let port: ChainSettlementPort;
  const client = () => createPublicClient({ transport: http(chain.rpcUrl) });
  const first = intervalOf(Date.now() / 1000) - 200n;

  before(async () => {
    runtimeDir = mkdtempSync(join(tmpdir(), "nachbarstrom-read-model-"));
    chain = await startChain({ port: await freePort(), root, log: () => {} });
    deployment = await deployContracts({ rpcUrl: chain.rpcUrl, runtimeDir, roles: demoRoles() });
    directory = await onboardDemo({ deployment, runtimeDir });
    port = createSettlementPort({
      deployment,
      privateKey: toHex(devAccount(DEV_ACCOUNT_INDEX.bridge).getHdKey().privateKey!),
      pollingIntervalMs: 50,
    });
  });

  after(async () => {
    await chain?.stop();
    if (runtimeDir) rmSync(runtimeDir, { recursive: true, force: true });
  });

  const hood = () => directory.neighbourhoods[0];

  /** Settles `interval` with energies that vary by meter and interval, so the pool and the grid both play. */
  const settle = async (interval: bigint) => {
    const meters = hood()
      .meters.map(({ meterId }, i) => ({
        meter: meterId as Hex,
        importWh: BigInt(((i * 37 + Number(interval % 11n) * 53) % 400) + (i % 2 === 0 ? 150 : 0)),
        exportWh: i % 3 === 0 ? BigInt(600 + Number(interval % 7n) * 40) : 0n,
      }))
      .sort((a, b) => (a.meter < b.meter ? -1 : 1));
    const batch = {
      neighbourhood: hood().slug,
      neighbourhoodId: hood().id as Hex,
      interval,
      commitment: keccak256(toBytes(`read-model-readings-${interval}`)),
      meters,
      readings: [],
      closedBy: "complete" as const,
      missing: [],
    };
    const hash = await port.settle(batch);
    assert.equal((await port.waitForReceipt(hash)).status, "success");
    await port.afterSettled(batch);
  };

  /** The operator corrects the first meter of `interval`'s first chunk. */
  const correct = async (interval: bigint) => {
    const [chunk] = await client().getContractEvents({
      address: deployment.contracts.neighbourhoodSettlement,
      abi: neighbourhoodSettlementAbi,
      eventName: "ChunkSettled",
      args: { neighbourhood: hood().id as Hex, interval },
      fromBlock: BigInt(deployment.deployedAtBlock),
      strict: true,
    });
    const [meter] = decodeChunkResults(chunk.args.results);
    const wallet = createWalletClient({ account: devAccount(DEV_ACCOUNT_INDEX.admin), transport: http(chain.rpcUrl) });
    const hash = await wallet.writeContract({
      chain: null,
      address: deployment.contracts.settlementCorrections,
      abi: settlementCorrectionsAbi,
      functionName: "correctMeter",
      // More import than reported (a correction may not go below what was traded locally).
      args: [
        chunk.args.neighbourhood,
        interval,
        chunk.args.chunk,
        chunk.args.results,
        0n,
        Number(meter.importWh) + 100,
        Number(meter.exportWh),
        "meter reported nonsense",
      ],
    });
    assert.equal((await client().waitForTransactionReceipt({ hash })).status, "success");
  };

  /** Opens the read model, catches up once, checks it against the chain, and closes it. */
  const indexAndCompare = async (file: string, settled: readonly bigint[]) => {
    const store = await openReadModelStore({ location: file });
    try {
      const startedAt = performance.now();
      const result = await createIndexer({
        store,
        client: indexerClient(client()),
        deployment,
        rangeBlocks: RANGE_BLOCKS,
      }).catchUp();
      const ms = performance.now() - startedAt;
      const head = await client().getBlockNumber();
      assert.equal(
        (await store.progress())?.lastBlock,
        head,
        "indexed to the head (no confirmations on the local chain)",
      );

      // The registry: every meter of the directory with its number, neighbourhood and owner.
      const meters = await allRows(store.db, sql`SELECT * FROM meters ORDER BY number`);
      assert.equal(meters.length, hood().meters.length);
      for (const row of meters) {
        const onChain = await client().readContract({
          address: deployment.contracts.meterRegistry,
          abi: meterRegistryAbi,
          functionName: "meterOf",
          args: [row.meter as Hex],
        });
        assert.equal(BigInt(onChain.number), row.number, `number of ${row.meter}`);
        assert.equal(onChain.neighbourhood, row.neighbourhood);
        assert.equal(onChain.owner, row.owner);
      }

      // The interval records: one row per settled interval, equal to intervalOf.
      const intervals = await settledIntervals(store.db, 1000);
      assert.deepEqual(
        intervals.map((r) => r.interval),
        [...settled].sort((a, b) => (a < b ? 1 : -1)),
      );
      for (const row of intervals) {
        const record = await client().readContract({
          address: deployment.contracts.neighbourhoodSettlement,
          abi: neighbourhoodSettlementAbi,
          functionName: "intervalOf",
          args: [row.neighbourhood, row.interval],
        });
        assert.deepEqual(
          [row.commitment, row.batchKey, row.meterCount, row.importWh, row.exportWh, row.localWh],
          [record.commitment, record.batchKey, record.meterCount, record.importWh, record.exportWh, record.localWh],
          `interval ${row.interval}`,
        );
      }
      const [{ n: perMeter }] = await allRows(store.db, sql`SELECT count(*) AS n FROM meter_intervals`);
      assert.equal(perMeter, BigInt(settled.length * hood().meters.length), "one result per meter and interval");

      // Positions: what the events add up to equals CreditToken.positionOf, for every household.
      const owners = [...new Set(hood().meters.map((m) => m.owner as Address))];
      for (const owner of owners) {
        const position = await client().readContract({
          address: deployment.contracts.creditToken,
          abi: creditTokenAbi,
          functionName: "positionOf",
          args: [owner],
        });
        assert.equal(await derivedPosition(store.db, owner), position, `position of ${owner}`);
        assert.ok((await householdRows(store.db, owner, 24)).length > 0, `rows of ${owner}`);
      }
      return { result, ms, head };
    } finally {
      await store.close();
    }
  };

  it("matches the chain, stops, and resumes from its last block without duplicates", async () => {
    const file = join(runtimeDir, "read-model.db");
    const settled = [first, first + 1n, first + 2n];
    for (const interval of settled) await settle(interval);
    await correct(first + 1n);

    const initial = await indexAndCompare(file, settled);
    assert.equal(initial.result.fromBlock, BigInt(deployment.deployedAtBlock));
    assert.ok(initial.result.ranges > 1, `${initial.result.ranges} ranges`);
    const corrections = await openReadModelStore({ location: file });
    const [{ n: correctionCount }] = await allRows(corrections.db, sql`SELECT count(*) AS n FROM corrections`);
    assert.equal(correctionCount, 1n);
    await corrections.close();

    // Stopped: the chain moves on without it.
    const more = [first + 3n, first + 4n];
    for (const interval of more) await settle(interval);
    await correct(first + 4n);

    const resumed = await indexAndCompare(file, [...settled, ...more]);
    assert.equal(resumed.result.rebuilt, undefined, "the same deployment is resumed, not rebuilt");
    assert.equal(resumed.result.fromBlock, initial.head + 1n, "from the block after the last one indexed");
    assert.equal(resumed.result.toBlock, resumed.head);
    console.info(
      `[read-model e2e] initial catch-up: ${initial.head - BigInt(deployment.deployedAtBlock) + 1n} blocks, ` +
        `${initial.result.events} events in ${initial.ms.toFixed(0)} ms; resumed: ${resumed.result.events} events in ${resumed.ms.toFixed(0)} ms`,
    );
  });
});
