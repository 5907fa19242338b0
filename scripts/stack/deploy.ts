import { rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import hre from "hardhat";
import { type Deployment } from "@nachbarstrom/core";
import NachbarstromModule from "../../contracts/ignition/modules/Nachbarstrom.ts";

export type DeployParameters = {
  rpcUrl: string;
  runtimeDir: string;
  roles: {
    admin: `0x${string}`;
    operator: `0x${string}`;
    treasurer: `0x${string}`;
    bridge: `0x${string}`;
    treasury: `0x${string}`;
  };
};

/**
 * Deploys the contracts with Hardhat Ignition to the chain at `rpcUrl` and writes
 * `<runtimeDir>/deployment.json`, which bridge and portal read.
 */
export async function deployContracts({ rpcUrl, runtimeDir, roles }: DeployParameters): Promise<Deployment> {
  const connection = await hre.network.create({ network: "localhost", override: { url: rpcUrl } });
  const publicClient = await connection.viem.getPublicClient();
  const deploymentId = `local-${new URL(rpcUrl).port}`;
  // A local chain starts empty each time: Ignition's journal of an earlier run would not match it.
  rmSync(join(hre.config.paths.ignition, "deployments", deploymentId), { recursive: true, force: true });
  const deployedAtBlock = Number(await publicClient.getBlockNumber());
  const deployed = await connection.ignition.deploy(NachbarstromModule, {
    parameters: { Nachbarstrom: roles },
    deploymentId,
  });
  const deployment: Deployment = {
    chainId: await publicClient.getChainId(),
    rpcUrl,
    deployedAtBlock,
    contracts: {
      meterRegistry: deployed.meterRegistry.address,
      creditToken: deployed.creditToken.address,
      tariffSchedule: deployed.tariffSchedule.address,
      powerContracts: deployed.powerContracts.address,
      neighbourhoodSettlement: deployed.neighbourhoodSettlement.address,
      settlementCorrections: deployed.settlementCorrections.address,
      costCap: deployed.costCap.address,
    },
  };
  await connection.close();
  writeFileSync(join(runtimeDir, "deployment.json"), JSON.stringify(deployment, null, 2) + "\n");
  return deployment;
}
