import { meterRegistryAbi } from "@nachbarstrom/core/abi";
import { keccak256, toBytes, type Address } from "viem";
import type { ChainContext } from "../chain.ts";

/** The role ids of contracts/Roles.sol. */
export const OPERATOR_ROLE = keccak256(toBytes("nachbarstrom.role.operator"));
export const AUDITOR_ROLE = keccak256(toBytes("nachbarstrom.role.auditor"));

/** What the chain says an account may see: the console (operator, auditor) and its own household page. */
export type AccountRoles = { operator: boolean; auditor: boolean; household: boolean };

/**
 * Reads the account's roles from the MeterRegistry (OpenZeppelin AccessControl `hasRole`; the registry
 * holds the operator and auditor grants) and whether it is a participant, i.e. owns or owned a meter.
 */
export async function readAccountRoles({ client, deployment }: ChainContext, account: Address): Promise<AccountRoles> {
  const address = deployment.contracts.meterRegistry;
  const [operator, auditor, household] = await Promise.all([
    client.readContract({ address, abi: meterRegistryAbi, functionName: "hasRole", args: [OPERATOR_ROLE, account] }),
    client.readContract({ address, abi: meterRegistryAbi, functionName: "hasRole", args: [AUDITOR_ROLE, account] }),
    client.readContract({ address, abi: meterRegistryAbi, functionName: "isParticipant", args: [account] }),
  ]);
  return { operator, auditor, household };
}

/** Roles are read again after 30 s: a revoked role stops working within that time. */
export const ROLE_CACHE_MS = 30_000;

const cache = new Map<string, { roles: AccountRoles; readAt: number }>();

/** readAccountRoles through a short per-process cache, keyed by chain, registry and account. */
export async function cachedAccountRoles(
  chain: ChainContext,
  account: Address,
  now: number = Date.now(),
): Promise<AccountRoles> {
  const key = `${chain.deployment.chainId}:${chain.deployment.contracts.meterRegistry}:${account}`;
  const hit = cache.get(key);
  if (hit && now - hit.readAt < ROLE_CACHE_MS) return hit.roles;
  const roles = await readAccountRoles(chain, account);
  cache.set(key, { roles, readAt: now });
  return roles;
}
