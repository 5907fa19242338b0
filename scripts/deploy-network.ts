/**
 * Deploys the contracts to any JSON-RPC network with Hardhat Ignition (the module
 * contracts/ignition/modules/Nachbarstrom.ts) and writes the deployment file that bridge and portal read:
 *
 *   NACHBARSTROM_RPC_URL=http://127.0.0.1:8545 NACHBARSTROM_DEPLOY_PARAMETERS=deploy/parameters.json \
 *   NACHBARSTROM_DEPLOYER_KEYSTORE=~/deployer.keystore.json NACHBARSTROM_DEPLOYER_KEYSTORE_PASSWORD=… \
 *   NACHBARSTROM_DEPLOYMENT=/srv/nachbarstrom/deployment.json node scripts/deploy-network.ts
 *
 * Configuration: deploy/deploy-config.ts; the whole procedure: doc/deploy-besu.md.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { fileURLToPath } from "node:url";
import hre from "hardhat";
import { createPublicClient, http } from "viem";
import { NachbarstromError, deploymentSchema, type Deployment } from "@nachbarstrom/core";
import NachbarstromModule from "../contracts/ignition/modules/Nachbarstrom.ts";
import { assertKeyAllowed, readDeployConfig, type DeployConfig } from "../deploy/deploy-config.ts";

export type DeployNetworkParameters = DeployConfig & {
  /**
   * Ignition's journal under contracts/ignition/deployments/<id>: a deployment that was interrupted
   * carries on from it when run again. Default `nachbarstrom-<chainId>`.
   */
  deploymentId?: string;
};

/**
 * Checks that the node is the chain the operators expect, refuses development keys off the local chain,
 * deploys with Ignition from the deployer's key and writes `deploymentFile`.
 * @throws NachbarstromError when the node answers with another chain id or the key is a development key.
 */
export async function deployNetwork({
  rpcUrl,
  chainId,
  deployerKey,
  roles,
  adminDelaySeconds,
  deploymentFile,
  deploymentId = `nachbarstrom-${chainId}`,
}: DeployNetworkParameters): Promise<Deployment> {
  const publicClient = createPublicClient({ transport: http(rpcUrl) });
  const actualChainId = await publicClient.getChainId();
  if (actualChainId !== chainId) {
    throw new NachbarstromError(`The node at ${rpcUrl} is chain ${actualChainId}, not ${chainId}`, {
      details: "check NACHBARSTROM_RPC_URL and the chain id in the parameters (NACHBARSTROM_CHAIN_ID)",
    });
  }
  assertKeyAllowed(deployerKey, actualChainId);

  const connection = await hre.network.create({
    network: "production",
    override: { url: rpcUrl, accounts: [deployerKey], chainId },
  });
  try {
    const deployedAtBlock = Number(await publicClient.getBlockNumber());
    const deployed = await connection.ignition.deploy(NachbarstromModule, {
      parameters: { Nachbarstrom: { ...roles, adminDelaySeconds } },
      deploymentId,
      // QBFT blocks are final once mined: waiting for more blocks would only slow the deployment.
      config: { requiredConfirmations: 1 },
    });
    const deployment = deploymentSchema.parse({
      chainId: actualChainId,
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
    });
    mkdirSync(dirname(deploymentFile), { recursive: true });
    writeFileSync(deploymentFile, JSON.stringify(deployment, null, 2) + "\n");
    return deployment;
  } finally {
    await connection.close();
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const root = fileURLToPath(new URL("..", import.meta.url));
  try {
    const config = readDeployConfig(process.env, root);
    const deployment = await deployNetwork(config);
    console.log(`Deployed to chain ${deployment.chainId} from block ${deployment.deployedAtBlock}:`);
    for (const [name, address] of Object.entries(deployment.contracts)) console.log(`  ${name.padEnd(24)} ${address}`);
    console.log(`Wrote ${config.deploymentFile}; point NACHBARSTROM_DEPLOYMENT of bridge and portal at it.`);
  } catch (error) {
    console.error(error instanceof Error ? error.message : error);
    process.exitCode = 1;
  }
}
