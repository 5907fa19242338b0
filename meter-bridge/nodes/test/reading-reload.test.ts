import assert from "node:assert/strict";
import { renameSync, writeFileSync } from "node:fs";
import { after, afterEach, before, describe, test } from "node:test";
import type { MeterDirectory } from "@nachbarstrom/core";
import { DIRECTORY, HOOD, MP, T0, writeDirectoryFile } from "../../src/test-fixtures.ts";
import { helper, loadNode, nodeModule, type Harness } from "./flow-harness.ts";

const NEW_MP = "DE0001234520660000000000000000009";
const payload = (importWh: number, seconds: number) =>
  JSON.stringify({ importWh, exportWh: 0, timestamp: new Date((T0 + seconds) * 1000).toISOString() });

describe("nachbarstrom-reading node: the meter directory changes while it runs", () => {
  let harness: Harness;
  before(() => helper.startServer());
  after(() => helper.stopServer());
  afterEach(() => helper.unload());

  test("accepts a metering point added to the file without a restart, and stops accepting a removed one", async () => {
    const meters = writeDirectoryFile();
    harness = await loadNode([nodeModule("reading")], {
      id: "reading",
      type: "nachbarstrom-reading",
      meters,
      outputs: 2,
    });
    const send = async (mp: string, importWh: number, seconds: number) => {
      const count = harness.outputs[0].length + harness.outputs[1].length;
      harness.send({ topic: `nachbarstrom/${HOOD}/${mp}/reading`, payload: payload(importWh, seconds) });
      await harness.waitForMessages(count + 1);
    };

    await send(NEW_MP, 100, 10);
    assert.equal(harness.outputs[1].length, 1, "unknown before the file names it");
    assert.match(String((harness.outputs[1][0].payload as { reason: string }).reason), /unknown metering point/);

    const changed: MeterDirectory = {
      neighbourhoods: DIRECTORY.neighbourhoods.map((hood) =>
        hood.slug === HOOD
          ? {
              ...hood,
              meters: [
                ...hood.meters.filter((m) => m.meteringPointId !== MP.b),
                { meteringPointId: NEW_MP, meterId: `0x${"d".repeat(64)}`, owner: hood.meters[0].owner },
              ],
            }
          : hood,
      ),
    };
    writeFileSync(`${meters}.tmp`, JSON.stringify(changed));
    renameSync(`${meters}.tmp`, meters);
    // The node looks at the file at most once a second.
    await new Promise((resolve) => setTimeout(resolve, 1100));

    await send(NEW_MP, 100, 20);
    assert.equal(harness.outputs[0].length, 1, "accepted after the reload");
    assert.equal((harness.outputs[0][0].payload as { meteringPointId: string }).meteringPointId, NEW_MP);
    await send(MP.b, 100, 30);
    assert.equal(harness.outputs[1].length, 2, "a removed metering point is rejected");
  });
});
