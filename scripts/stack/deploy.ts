import { rmSync } from "node:fs";
import { join } from "node:path";
import hre from "hardhat";
import { DEV_ACCOUNT_INDEX, type Deployment } from "@nachbarstrom/core";
import type { Roles } from "../../deploy/deploy-config.ts";
import { deployNetwork } from "../deploy-network.ts";
import { devPrivateKey } from "./dev-keys.ts";

export type DeployParameters = {
  rpcUrl: string;
  runtimeDir: string;
  roles: Roles;
};

/** The demo's timelock delay for admin changes: the production default, 2 days. */
const ADMIN_DELAY_SECONDS = 2n * 24n * 3600n;

/**
 * Deploys the contracts to the local chain at `rpcUrl` the way a production deployment does
 * (scripts/deploy-network.ts), from the WELL-KNOWN development admin key, and writes
 * `<runtimeDir>/deployment.json`, which bridge and portal read.
 */
export async function deployContracts({ rpcUrl, runtimeDir, roles }: DeployParameters): Promise<Deployment> {
  const deploymentId = `local-${new URL(rpcUrl).port}`;
  // A local chain starts empty each time: Ignition's journal of an earlier run would not match it.
  rmSync(join(hre.config.paths.ignition, "deployments", deploymentId), { recursive: true, force: true });
  return deployNetwork({
    rpcUrl,
    chainId: 31337,
    deployerKey: devPrivateKey(DEV_ACCOUNT_INDEX.admin),
    roles,
    adminDelaySeconds: ADMIN_DELAY_SECONDS,
    deploymentFile: join(runtimeDir, "deployment.json"),
    deploymentId,
  });
}
