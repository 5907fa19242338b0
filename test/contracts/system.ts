import type { HardhatViemHelpers } from "@nomicfoundation/hardhat-viem/types";
import { keccak256, toBytes, type Address } from "viem";
import type { Deployment } from "@nachbarstrom/core";

const SETTLEMENT_ROLE = keccak256(toBytes("nachbarstrom.role.settlement"));

export type DeploySystemParameters = { admin: Address; bridge: Address; treasury: Address };

/**
 * Deploys the seven contracts directly (without Ignition and its timelock), with `admin` as admin and
 * operator, and lets the settlement move credit. For the contract tests and the gas benchmark.
 */
export async function deploySystem(viem: HardhatViemHelpers, { admin, bridge, treasury }: DeploySystemParameters) {
  const registry = await viem.deployContract("MeterRegistry", [admin, admin]);
  const credit = await viem.deployContract("CreditToken", [admin, admin, admin, registry.address, treasury]);
  const tariffs = await viem.deployContract("TariffSchedule", [admin, admin, registry.address]);
  const contracts = await viem.deployContract("PowerContracts", [registry.address]);
  const costCap = await viem.deployContract("CostCap", [admin, registry.address, tariffs.address, credit.address]);
  const settlement = await viem.deployContract("NeighbourhoodSettlement", [
    admin,
    bridge,
    registry.address,
    tariffs.address,
    contracts.address,
    credit.address,
    costCap.address,
  ]);
  const corrections = await viem.deployContract("SettlementCorrections", [
    admin,
    admin,
    registry.address,
    tariffs.address,
    settlement.address,
    credit.address,
    costCap.address,
  ]);
  // Settlement, corrections and the cost cap move credit; settlement and corrections feed the cost cap.
  for (const mover of [settlement, corrections, costCap])
    await credit.write.grantRole([SETTLEMENT_ROLE, mover.address]);
  for (const feeder of [settlement, corrections]) await costCap.write.grantRole([SETTLEMENT_ROLE, feeder.address]);
  const publicClient = await viem.getPublicClient();
  // Reads go through the caller's client; only the addresses of this deployment are used.
  const deployment: Deployment = {
    chainId: await publicClient.getChainId(),
    rpcUrl: "http://127.0.0.1:8545",
    deployedAtBlock: 0,
    contracts: {
      meterRegistry: registry.address,
      creditToken: credit.address,
      tariffSchedule: tariffs.address,
      powerContracts: contracts.address,
      neighbourhoodSettlement: settlement.address,
      settlementCorrections: corrections.address,
      costCap: costCap.address,
    },
  };
  return { registry, credit, tariffs, contracts, settlement, corrections, costCap, deployment };
}
