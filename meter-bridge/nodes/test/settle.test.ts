import assert from "node:assert/strict";
import { dirname, join } from "node:path";
import { after, afterEach, before, describe, test } from "node:test";
import { neighbourhoodId } from "@nachbarstrom/core";
import type { IntervalBatch } from "../../src/aggregate.ts";
import { createOutbox } from "../../src/outbox.ts";
import { openStore } from "../../src/store.ts";
import {
  HOOD,
  K,
  METER_ID,
  MP,
  tempDir,
  writeDirectoryFile,
  writeUnreachableDeploymentFile,
} from "../../src/test-fixtures.ts";
import { helper, loadNode, nodeModule, type Harness } from "./flow-harness.ts";

/** A deployment whose RPC URL points at a closed port: the chain is unreachable. */
const deploymentFile = writeUnreachableDeploymentFile(dirname(writeDirectoryFile()));
/** Hardhat's well-known development account 1: public, for tests only. */
const DEV_KEY = "0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d";

const batch: IntervalBatch = {
  neighbourhood: HOOD,
  neighbourhoodId: neighbourhoodId(HOOD),
  interval: K,
  commitment: `0x${"33".repeat(32)}`,
  meters: [{ meter: METER_ID[MP.a], importWh: 1n, exportWh: 0n }],
  readings: [],
  closedBy: "complete",
  missing: [],
};

describe("nachbarstrom-settle node with the nachbarstrom-chain config", () => {
  let harness: Harness;
  const statuses: { fill?: string; text?: string }[] = [];

  before(() => helper.startServer());
  after(() => helper.stopServer());
  afterEach(async () => {
    await helper.unload();
    statuses.length = 0;
    delete process.env.NACHBARSTROM_TEST_BRIDGE_KEY;
  });

  async function load(credentials: Record<string, string>, database = join(tempDir(), "bridge.db")) {
    harness = await loadNode(
      [nodeModule("chain"), nodeModule("settle")],
      { id: "settle", type: "nachbarstrom-settle", chain: "chain", database, outputs: 1 },
      [{ id: "chain", type: "nachbarstrom-chain", deploymentFile, rpcUrl: "" }],
      { chain: credentials },
    );
    helper
      .getNode("settle")
      .on("call:status", (call) => statuses.push(call.args[0] as { fill?: string; text?: string }));
  }
  /** The error the node reported with done(err) for a message (an object, unlike its log lines). */
  const errorOfMessage = async () => {
    const deadline = Date.now() + 5000;
    for (;;) {
      const found = harness.errors.find((e) => typeof e === "object" && e !== null);
      if (found) return found as { shortMessage?: string; details?: string };
      if (Date.now() > deadline) throw new Error(`no error for the message; saw ${JSON.stringify(harness.errors)}`);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  };
  const waitForStatus = async (text: string) => {
    const deadline = Date.now() + 5000;
    while (!statuses.some((s) => s.text === text)) {
      if (Date.now() > deadline) throw new Error(`no status ${text}; saw ${JSON.stringify(statuses)}`);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  };

  test("without a bridge key the node reports the configuration error for each batch", async () => {
    const database = join(tempDir(), "bridge.db");
    await load({}, database);
    harness.send({ payload: batch });
    const error = await errorOfMessage();
    assert.equal(error.shortMessage, "The bridge key is not set");
    assert.match(error.details ?? "", /NACHBARSTROM_BRIDGE_KEY/);
    await helper.unload();
    const store = await openStore({ location: database });
    const entry = await createOutbox(store).get(HOOD, K);
    assert.equal(entry?.status, "pending", "the batch is kept until the chain is set up");
    await store.close();
  });

  test("at start it resumes the batches the outbox holds, without any message", async () => {
    const database = join(tempDir(), "bridge.db");
    const store = await openStore({ location: database });
    await createOutbox(store).enqueue(batch); // closed by the interval node before a crash
    await store.close();
    await load({ privateKey: DEV_KEY }, database);
    await waitForStatus("settle.status.retrying");
  });

  test("a credential of ${NAME} takes the key from that environment variable", async () => {
    process.env.NACHBARSTROM_TEST_BRIDGE_KEY = DEV_KEY;
    await load({ privateKey: "${NACHBARSTROM_TEST_BRIDGE_KEY}" });
    // The key resolved, so the node tries the chain, which is unreachable here.
    harness.send({ payload: batch });
    await waitForStatus("settle.status.retrying");
    assert.ok(
      statuses.every((s) => s.fill !== "red"),
      JSON.stringify(statuses),
    );
  });

  test("a credential naming an unset variable is a configuration error", async () => {
    await load({ privateKey: "${NACHBARSTROM_TEST_BRIDGE_KEY}" });
    harness.send({ payload: batch });
    const error = await errorOfMessage();
    assert.match(error.details ?? "", /NACHBARSTROM_TEST_BRIDGE_KEY, which is not set/);
  });
});
