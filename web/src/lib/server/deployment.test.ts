import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { DeploymentUnavailableError, loadDeployment } from "./deployment.ts";

const dir = mkdtempSync(join(tmpdir(), "nachbarstrom-web-"));
const valid = {
  chainId: 31337,
  rpcUrl: "http://127.0.0.1:8545",
  deployedAtBlock: 0,
  contracts: {
    meterRegistry: "0x5FbDB2315678afecb367f032d93F642f64180aa3",
    creditToken: "0xe7f1725E7734CE288F8367e1Bb143E90bb3F0512",
    tariffSchedule: "0xCf7Ed3AccA5a467e9e704C703E8D87F634fB0Fc9",
    powerContracts: "0xDc64a140Aa3E981100a9becA4E685f962f0cF6C9",
    neighbourhoodSettlement: "0x9fE46736679d2D9a65F0992F2272dE9f3c7fa6e0",
    settlementCorrections: "0xDc64a140Aa3E981100a9becA4E685f962f0cF6C9",
    costCap: "0x5FC8d32690cc91D4c39d9d3abcBD16989F875707",
  },
};

function file(name: string, content: string): string {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}

describe("loadDeployment", () => {
  it("reads the file that NACHBARSTROM_DEPLOYMENT names", () => {
    const path = file("valid.json", JSON.stringify(valid));
    assert.deepEqual(loadDeployment({ NACHBARSTROM_DEPLOYMENT: path }), valid);
  });

  it("says when the variable is unset or not absolute", () => {
    assert.throws(
      () => loadDeployment({}),
      (e: unknown) => e instanceof DeploymentUnavailableError && /is not set/.test(e.shortMessage),
    );
    assert.throws(() => loadDeployment({ NACHBARSTROM_DEPLOYMENT: "deployment.json" }), /not an absolute path/);
  });

  it("says when the file is missing or invalid", () => {
    assert.throws(
      () => loadDeployment({ NACHBARSTROM_DEPLOYMENT: join(dir, "missing.json") }),
      DeploymentUnavailableError,
    );
    const invalid = file("invalid.json", JSON.stringify({ ...valid, rpcUrl: "not a url" }));
    assert.throws(
      () => loadDeployment({ NACHBARSTROM_DEPLOYMENT: invalid }),
      (e: unknown) => e instanceof DeploymentUnavailableError && /rpcUrl/.test(e.message),
    );
  });
});
